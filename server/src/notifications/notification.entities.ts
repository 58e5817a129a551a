import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { AlertSeverity } from '../alerts/alert-type';
import {
  DeliveryChannel,
  DeliveryFailure,
  DeliveryStatus,
  EndpointOwner,
  NotificationKind,
  NotifyLevel,
} from './notification-types';

/** 推送规则: who is told first for an alert type (null: any type) and severity, and when it escalates. */
@Entity('notification_rules')
export class NotificationRule {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'alert_type', type: 'varchar', length: 40, nullable: true })
  alertType!: string | null;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverity;

  /** Levels in escalation order; the first is told at once. */
  @Column({ type: 'text', array: true })
  levels!: NotifyLevel[];

  /** Minutes unacknowledged before the next level is told; null: no escalation. */
  @Column({ name: 'escalate_after_min', type: 'int', nullable: true })
  escalateAfterMin!: number | null;

  /** Quiet hours in minutes of the China day (start may be after end: over midnight); never for critical. */
  @Column({ name: 'quiet_start_min', type: 'smallint', nullable: true })
  quietStartMin!: number | null;

  @Column({ name: 'quiet_end_min', type: 'smallint', nullable: true })
  quietEndMin!: number | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One raised alert's way up its rule's levels (the queue and the escalation state in one row). */
@Entity('notification_tracks')
export class NotificationTrack {
  @PrimaryColumn({ name: 'alert_id', type: 'uuid' })
  alertId!: string;

  @Column({ name: 'alert_type', type: 'varchar', length: 40 })
  alertType!: string;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverity;

  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;

  @Column({ name: 'region_path', type: 'text', nullable: true })
  regionPath!: string | null;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt!: Date;

  /** Index of the next level to tell. */
  @Column({ type: 'int', default: 0 })
  step!: number;

  @Column({ name: 'next_at', type: 'timestamptz' })
  nextAt!: Date;

  @Column({ type: 'boolean', default: false })
  done!: boolean;
}

/** 站内通知: one user's bell entry. */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: NotificationKind;

  @Column({ name: 'alert_id', type: 'uuid', nullable: true })
  alertId!: string | null;

  @Column({ name: 'alert_type', type: 'varchar', length: 40, nullable: true })
  alertType!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  severity!: AlertSeverity | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  level!: NotifyLevel | null;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}

/** 推送记录: one message to one recipient on one channel, with its retries. The target is stored encrypted. */
@Entity('notification_deliveries')
export class NotificationDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: NotificationKind;

  @Column({ name: 'alert_id', type: 'uuid', nullable: true })
  alertId!: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  level!: NotifyLevel | null;

  @Column({ type: 'varchar', length: 16 })
  channel!: DeliveryChannel;

  @Column({ name: 'endpoint_id', type: 'uuid', nullable: true })
  endpointId!: string | null;

  /** FieldCipher JSON of the target ({to, secret?}). */
  @Column({ name: 'target_enc', type: 'text' })
  targetEnc!: string;

  @Column({ name: 'recipient_masked', type: 'varchar', length: 120 })
  recipientMasked!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_failure', type: 'varchar', length: 24, nullable: true })
  lastFailure!: DeliveryFailure | null;

  @Column({ name: 'last_provider_code', type: 'varchar', length: 40, nullable: true })
  lastProviderCode!: string | null;

  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;

  @Column({ name: 'region_path', type: 'text', nullable: true })
  regionPath!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;
}

/** Where a user, an enterprise or a region is told: a phone, an address, a group robot (target and secret encrypted). */
@Entity('notification_endpoints')
export class NotificationEndpoint {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_kind', type: 'varchar', length: 16 })
  ownerKind!: EndpointOwner;

  /** User id, enterprise id or region code. */
  @Column({ name: 'owner_id', type: 'varchar', length: 64 })
  ownerId!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: DeliveryChannel;

  @Column({ name: 'target_enc', type: 'text' })
  targetEnc!: string;

  @Column({ name: 'secret_enc', type: 'text', nullable: true })
  secretEnc!: string | null;

  @Column({ name: 'target_masked', type: 'varchar', length: 120 })
  targetMasked!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A digest already sent: one per scope and China day. */
@Entity('notification_digests')
export class NotificationDigest {
  @PrimaryColumn({ name: 'scope_kind', type: 'varchar', length: 16 })
  scopeKind!: 'enterprise' | 'region';

  @PrimaryColumn({ name: 'scope_id', type: 'varchar', length: 64 })
  scopeId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt!: Date;
}
