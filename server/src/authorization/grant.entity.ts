import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReasonCode } from '@arcgate/protocol';
import type { DecisionSource } from './decision.entity';

/**
 * A permission to arc, as signed to the device. A phone-initiated grant is created when the welder
 * starts from the phone and gets its request id and nonce when the device asks with the session.
 */
@Entity('grants')
export class GrantRecord {
  @PrimaryColumn({ name: 'grant_id', type: 'uuid' })
  grantId!: string;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: DecisionSource;

  @Column({ name: 'chip_id', type: 'varchar', length: 64 })
  chipId!: string;

  @Column({ name: 'machine_id', type: 'uuid' })
  machineId!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  /** The certificate that made the welder eligible: revoking or suspending it revokes the grant. */
  @Column({ name: 'certificate_id', type: 'uuid', nullable: true })
  certificateId!: string | null;

  /** The welder code presented at the device (null for phone starts). */
  @Column({ name: 'code_id', type: 'uuid', nullable: true })
  codeId!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  nonce!: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** When the signed arm.grant was published to the device. */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** The grant's maxCurrentA: the machine's rated current when it was issued to the device. */
  @Column({ name: 'max_current_a', type: 'integer', nullable: true })
  maxCurrentA!: number | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoke_reason', type: 'varchar', length: 48, nullable: true })
  revokeReason!: ReasonCode | null;

  @Column({ name: 'revoke_sent_at', type: 'timestamptz', nullable: true })
  revokeSentAt!: Date | null;
}
