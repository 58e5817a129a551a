import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Position, ReasonCode } from '@arcgate/protocol';

export type DecisionSource = 'device' | 'phone';

/** One answer of the authorization engine (allowed or not). Partitioned by month of `at`. */
@Entity('decisions')
export class DecisionRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', length: 8 })
  source!: DecisionSource;

  @Column({ name: 'chip_id', type: 'varchar', length: 64, nullable: true })
  chipId!: string | null;

  @Column({ name: 'machine_id', type: 'uuid', nullable: true })
  machineId!: string | null;

  /** Copied from the machine's enterprise so that scoped lists need no join on the hot path. */
  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;

  @Column({ name: 'region_path', type: 'text', nullable: true })
  regionPath!: string | null;

  @Column({ name: 'welder_id', type: 'uuid', nullable: true })
  welderId!: string | null;

  @Column({ name: 'permit_id', type: 'uuid', nullable: true })
  permitId!: string | null;

  @Column({ type: 'boolean' })
  allowed!: boolean;

  @Column({ type: 'varchar', length: 48 })
  reason!: ReasonCode;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;

  @Column({ type: 'varchar', length: 128 })
  nonce!: string;

  @Column({ type: 'jsonb', nullable: true })
  position!: Position | null;

  @Column({ name: 'grant_id', type: 'uuid', nullable: true })
  grantId!: string | null;

  @Column({ name: 'latency_ms', type: 'int' })
  latencyMs!: number;
}
