import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ApproverPosition } from './approval-chain';

export enum TrailAction {
  Submitted = 'submitted',
  Approved = 'approved',
  Rejected = 'rejected',
  Cancelled = 'cancelled',
  ExtensionRequested = 'extension_requested',
  ExtensionApproved = 'extension_approved',
  ExtensionRejected = 'extension_rejected',
  Closed = 'closed',
  /** A failing gas analysis stopped the approved permit; Resumed: a passing re-test lifted it. */
  Suspended = 'suspended',
  Resumed = 'resumed',
}

/** The approval trail: who did what to a permit, when, at which step, with what remark. */
@Entity('permit_trail')
export class PermitTrailEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Insertion order: several entries can share one instant. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @Column({ name: 'extension_id', type: 'uuid', nullable: true })
  extensionId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  action!: TrailAction;

  @Column({ type: 'int' })
  round!: number;

  @Column({ type: 'int', nullable: true })
  step!: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  position!: ApproverPosition | null;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_username', type: 'varchar', length: 64 })
  actorUsername!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  remark!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
