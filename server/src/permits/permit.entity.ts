import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';
import { ApproverPosition } from './approval-chain';
import { Checklist } from './checklist';
import { Geofence } from './geofence';
import { PermitLevel, UpgradeReason } from './permit-levels';
import { PermitStatus } from './permit-status';

/** 动火安全作业票. Named welders and machines live in permit_welders / permit_machines. */
@Entity('permits')
export class Permit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** 作业票编号, e.g. DH-2026-0007: one sequence per enterprise and China year (permit_number_counters). */
  @Column({ name: 'permit_no', type: 'varchar', length: 32 })
  permitNo!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PermitStatus;

  @Column({ name: 'requested_level', type: 'varchar', length: 16 })
  requestedLevel!: PermitLevel;

  /** After the holiday / night upgrade. */
  @Column({ name: 'effective_level', type: 'varchar', length: 16 })
  effectiveLevel!: PermitLevel;

  @Column({ name: 'level_upgrade_reasons', type: 'jsonb', default: () => "'[]'" })
  levelUpgradeReasons!: UpgradeReason[];

  @Column({ name: 'work_description', type: 'varchar', length: 1000 })
  workDescription!: string;

  @Column({ name: 'site_address', type: 'varchar', length: 300 })
  siteAddress!: string;

  @Column({ name: 'site_latitude', type: 'numeric', precision: 9, scale: 6, transformer: numericTransformer })
  siteLatitude!: number;

  @Column({ name: 'site_longitude', type: 'numeric', precision: 9, scale: 6, transformer: numericTransformer })
  siteLongitude!: number;

  @Column({ type: 'jsonb' })
  geofence!: Geofence;

  @Column({ name: 'planned_start', type: 'timestamptz' })
  plannedStart!: Date;

  @Column({ name: 'planned_end', type: 'timestamptz' })
  plannedEnd!: Date;

  /** 监护人 as a registered person of the enterprise (welders registry: real name and phone). Null on permits drafted before it was required. */
  @Column({ name: 'fire_watcher_welder_id', type: 'uuid', nullable: true })
  fireWatcherWelderId!: string | null;

  /** Copied from the person at the time of naming, so that the permit stays readable as it was signed. */
  @Column({ name: 'fire_watcher_name', type: 'varchar', length: 50, nullable: true })
  fireWatcherName!: string | null;

  @Column({ name: 'fire_watcher_phone_enc', type: 'text', nullable: true })
  fireWatcherPhoneEnc!: string | null;

  @Column({ name: 'fire_watcher_phone_masked', type: 'varchar', length: 11, nullable: true })
  fireWatcherPhoneMasked!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  checklist!: Checklist;

  @Column({ name: 'applicant_user_id', type: 'uuid' })
  applicantUserId!: string;

  @Column({ name: 'applicant_username', type: 'varchar', length: 64 })
  applicantUsername!: string;

  /** Positions that must sign, frozen at submission so that a settings change cannot reroute a permit in flight. */
  @Column({ name: 'approval_chain', type: 'jsonb', nullable: true })
  approvalChain!: ApproverPosition[] | null;

  /** Incremented on each submission; the trail groups decisions by round. */
  @Column({ name: 'approval_round', type: 'int', default: 0 })
  approvalRound!: number;

  /** Index of the next step awaiting a decision. */
  @Column({ name: 'current_step', type: 'int', default: 0 })
  currentStep!: number;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 500, nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancel_reason', type: 'varchar', length: 500, nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'work_stopped_at', type: 'timestamptz', nullable: true })
  workStoppedAt!: Date | null;

  @Column({ name: 'fire_watch_ended_at', type: 'timestamptz', nullable: true })
  fireWatchEndedAt!: Date | null;

  @Column({ name: 'first_arc_at', type: 'timestamptz', nullable: true })
  firstArcAt!: Date | null;

  @Column({ name: 'last_arc_started_at', type: 'timestamptz', nullable: true })
  lastArcStartedAt!: Date | null;

  @Column({ name: 'last_arc_ended_at', type: 'timestamptz', nullable: true })
  lastArcEndedAt!: Date | null;

  /** Set when a failing gas analysis was recorded on the approved permit; a later passing re-test clears it. */
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true })
  suspendedAt!: Date | null;

  @Column({ name: 'suspended_analysis_id', type: 'uuid', nullable: true })
  suspendedAnalysisId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
