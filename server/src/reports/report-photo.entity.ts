import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A photo attached to a report; the bytes stay in PostgreSQL under the same access rules. */
@Entity('report_photos')
export class ReportPhoto {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'report_id', type: 'uuid' })
  reportId!: string;

  /** 1..3, in upload order. */
  @Column({ type: 'smallint' })
  position!: number;

  @Column({ name: 'content_type', type: 'varchar', length: 16 })
  contentType!: 'image/jpeg' | 'image/png';

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bytea', select: false })
  data!: Buffer;
}
