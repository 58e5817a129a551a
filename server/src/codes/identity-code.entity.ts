import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum CodeSubjectType {
  Machine = 'machine',
  Welder = 'welder',
}

export enum CodeStatus {
  Active = 'active',
  Revoked = 'revoked',
}

/** A QR identity (一机一码 / 一人一码). At most one active code per subject. */
@Entity('identity_codes')
export class IdentityCode {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  subjectType!: CodeSubjectType;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'varchar', length: 16, default: CodeStatus.Active })
  status!: CodeStatus;

  @CreateDateColumn({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 200, nullable: true })
  revokedReason!: string | null;
}
