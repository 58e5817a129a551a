import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A site photo. The bytes stay in PostgreSQL so that backups and access rules cover them. */
@Entity('permit_attachments')
export class PermitAttachment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 200 })
  fileName!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 32 })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bytea', select: false })
  data!: Buffer;

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy!: string | null;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt!: Date;
}
