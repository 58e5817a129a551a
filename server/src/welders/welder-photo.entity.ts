import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const WELDER_PHOTO_STATUSES = ['pending', 'approved', 'rejected', 'superseded'] as const;
export type WelderPhotoStatus = (typeof WELDER_PHOTO_STATUSES)[number];

/** A welder's portrait: pending until the area's regulator approves or rejects it (migration 1796470100000). */
@Entity('welder_photos')
export class WelderPhoto {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: WelderPhotoStatus;

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

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'review_reason', type: 'text', nullable: true })
  reviewReason!: string | null;
}
