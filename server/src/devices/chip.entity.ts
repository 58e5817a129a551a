import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DeviceFault, DeviceState, Position } from '@arcgate/protocol';

const bigintNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? 0 : Number(v)) };

/**
 * A device chip (加芯): its public key and binding. machines.chip_id is the source of truth for
 * "bound"; machine_id here is kept in step on bind/unbind and is re-checked against machines at use.
 */
@Entity('chips')
export class Chip {
  @PrimaryColumn({ name: 'chip_id', type: 'varchar', length: 64 })
  chipId!: string;

  /** Raw Ed25519 public key, base64url. */
  @Column({ name: 'public_key', type: 'varchar', length: 64 })
  publicKey!: string;

  @Column({ name: 'machine_id', type: 'uuid', nullable: true })
  machineId!: string | null;

  @Column({ name: 'bound_at', type: 'timestamptz', nullable: true })
  boundAt!: Date | null;

  @Column({ name: 'bound_by', type: 'uuid', nullable: true })
  boundBy!: string | null;

  @Column({ name: 'unbound_at', type: 'timestamptz', nullable: true })
  unboundAt!: Date | null;

  /** Every event with seq ≤ lastSeq is stored (or was declared lost by the device): the ack watermark. */
  @Column({ name: 'last_seq', type: 'bigint', default: 0, transformer: bigintNumber })
  lastSeq!: number;

  /** Highest envelope seq seen (diagnostics). */
  @Column({ name: 'last_msg_seq', type: 'bigint', default: 0, transformer: bigintNumber })
  lastMsgSeq!: number;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  online!: boolean;

  @Column({ name: 'last_status_at', type: 'timestamptz', nullable: true })
  lastStatusAt!: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  state!: DeviceState | null;

  /** Device time of `state` (status ts or event at): older reports never overwrite it. */
  @Column({ name: 'state_at', type: 'timestamptz', nullable: true })
  stateAt!: Date | null;

  /** Health faults of the last online status (e.g. journal_unwritable): why the device may refuse to arm. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  faults!: DeviceFault[];

  /** Set while offline since going offline armed or arcing (DEVICE_OFFLINE_ARMED); cleared when it returns. */
  @Column({ name: 'offline_armed_since', type: 'timestamptz', nullable: true })
  offlineArmedSince!: Date | null;

  /** When that episode was escalated to an on-site check (DEVICE_ONSITE_CHECK). */
  @Column({ name: 'onsite_check_at', type: 'timestamptz', nullable: true })
  onsiteCheckAt!: Date | null;

  @Column({ name: 'last_position', type: 'jsonb', nullable: true })
  lastPosition!: Position | null;

  @Column({ name: 'last_position_at', type: 'timestamptz', nullable: true })
  lastPositionAt!: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  firmware!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
