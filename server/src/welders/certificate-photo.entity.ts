import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A photo (scan) of the certificate itself, the evidence a regulator checks the record against.
 * One per certificate, replaced on upload; the bytes stay in PostgreSQL so that backups and access rules cover them.
 */
@Entity('certificate_photos')
export class CertificatePhoto {
  @PrimaryColumn({ name: 'certificate_id', type: 'uuid' })
  certificateId!: string;

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
