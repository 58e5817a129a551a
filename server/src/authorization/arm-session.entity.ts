import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface PhonePosition {
  lat: number;
  lng: number;
  accuracyM: number;
}

/**
 * Phone-initiated start (扫码启动): a logged-in welder scanned the machine's code and picked a
 * permit. Kept in PostgreSQL so that any replica can deliver the push when the device comes online.
 */
@Entity('arm_sessions')
export class ArmSession {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId!: string;

  @Column({ name: 'grant_id', type: 'uuid' })
  grantId!: string;

  @Column({ name: 'chip_id', type: 'varchar', length: 64 })
  chipId!: string;

  @Column({ name: 'machine_id', type: 'uuid' })
  machineId!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'phone_position', type: 'jsonb' })
  phonePosition!: PhonePosition;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The push is delivered only before this instant (PHONE_PUSH_TTL_MS after creation). */
  @Column({ name: 'push_deadline', type: 'timestamptz' })
  pushDeadline!: Date;

  @Column({ name: 'pushed_at', type: 'timestamptz', nullable: true })
  pushedAt!: Date | null;

  /** The device's arm.request with this session must arrive before this (PHONE_CONFIRM_TIMEOUT_MS after the push). */
  @Column({ name: 'confirm_by', type: 'timestamptz', nullable: true })
  confirmBy!: Date | null;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'used_request_id', type: 'varchar', length: 64, nullable: true })
  usedRequestId!: string | null;
}
