import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Enterprise } from '../enterprises/enterprise.entity';
import { AlertSeverity, AlertState, AlertType } from './alert-type';

/**
 * 告警. Lives in PostgreSQL only (no replica keeps alert state in memory). At most one not-closed
 * alert per dedupe key: a repeat bumps `count` and `lastSeenAt` instead of adding a row.
 */
@Entity('alerts')
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: AlertType;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverity;

  @Column({ type: 'varchar', length: 16, default: AlertState.Open })
  state!: AlertState;

  /** Null for an unregistered device: it belongs to no enterprise yet. */
  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;

  @ManyToOne(() => Enterprise, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enterprise_id' })
  enterprise?: Enterprise | null;

  /** Copied from the enterprise so that subtree scoping needs no join. */
  @Column({ name: 'region_path', type: 'text', nullable: true })
  regionPath!: string | null;

  @Column({ name: 'machine_id', type: 'uuid', nullable: true })
  machineId!: string | null;

  @Column({ name: 'welder_id', type: 'uuid', nullable: true })
  welderId!: string | null;

  @Column({ name: 'permit_id', type: 'uuid', nullable: true })
  permitId!: string | null;

  @Column({ name: 'chip_id', type: 'varchar', length: 64, nullable: true })
  chipId!: string | null;

  /** Evidence of the first occurrence; personal data only masked. */
  @Column({ type: 'jsonb' })
  evidence!: Record<string, unknown>;

  /** Evidence of the latest repeat (null until the alert repeats). */
  @Column({ name: 'last_evidence', type: 'jsonb', nullable: true })
  lastEvidence!: Record<string, unknown> | null;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 200, nullable: true })
  dedupeKey!: string | null;

  @Column({ type: 'int', default: 1 })
  count!: number;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'acknowledged_by', type: 'uuid', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'acknowledge_note', type: 'varchar', length: 1000, nullable: true })
  acknowledgeNote!: string | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy!: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'close_note', type: 'varchar', length: 1000, nullable: true })
  closeNote!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
