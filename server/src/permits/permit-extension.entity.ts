import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ExtensionStatus {
  Pending = 'pending',
  Approved = 'approved',
  Rejected = 'rejected',
  Cancelled = 'cancelled',
}

/** 延期: a request to move the permit's end, approved through the permit's own chain. */
@Entity('permit_extensions')
export class PermitExtension {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @Column({ name: 'previous_end', type: 'timestamptz' })
  previousEnd!: Date;

  @Column({ name: 'requested_end', type: 'timestamptz' })
  requestedEnd!: Date;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ExtensionStatus;

  @Column({ name: 'current_step', type: 'int', default: 0 })
  currentStep!: number;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 500, nullable: true })
  rejectionReason!: string | null;
}
