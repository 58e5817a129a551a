import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The number an enforcement document got when it was first issued (one sequence per kind and China year). */
@Entity('document_numbers')
export class DocumentNumber {
  @PrimaryColumn({ type: 'varchar', length: 32 }) kind!: string;
  /** What the document is of: a hazard's id (its order), hazard:event (one review), plan:position (a target). */
  @PrimaryColumn({ name: 'subject_key', type: 'varchar', length: 100 }) subjectKey!: string;
  @Column({ type: 'int' }) year!: number;
  @Column({ type: 'int' }) seq!: number;
  @Column({ name: 'issued_at', type: 'timestamptz' }) issuedAt!: Date;
}
