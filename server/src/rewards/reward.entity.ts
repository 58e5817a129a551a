import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';

export enum RewardState {
  Proposed = 'proposed',
  Approved = 'approved',
  Paid = 'paid',
}

/** The county's reward table: amount by hazard category and level (查实即奖). */
@Entity('reward_rules')
export class RewardRule {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'region_code', type: 'varchar', length: 12 }) regionCode!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ type: 'varchar', length: 40 }) category!: string;
  @Column({ type: 'varchar', length: 16 }) level!: string;
  @Column({ name: 'amount_yuan', type: 'numeric', precision: 12, scale: 2, transformer: numericTransformer })
  amountYuan!: number;
  @Column({ name: 'updated_by', type: 'uuid' }) updatedBy!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The reward of one confirmed public report. */
@Entity('rewards')
export class Reward {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'report_id', type: 'uuid' }) reportId!: string;
  @Column({ name: 'hazard_id', type: 'uuid' }) hazardId!: string;
  @Column({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ type: 'varchar', length: 40 }) category!: string;
  @Column({ type: 'varchar', length: 16 }) level!: string;
  @Column({ name: 'amount_yuan', type: 'numeric', precision: 12, scale: 2, transformer: numericTransformer })
  amountYuan!: number;
  @Column({ type: 'varchar', length: 16 }) state!: RewardState;
  @Column({ name: 'proposed_by', type: 'uuid' }) proposedBy!: string;
  @Column({ name: 'proposed_at', type: 'timestamptz' }) proposedAt!: Date;
  @Column({ name: 'approved_by', type: 'uuid', nullable: true }) approvedBy!: string | null;
  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true }) approvedAt!: Date | null;
  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true }) paidAt!: Date | null;
  @Column({ name: 'payment_reference', type: 'varchar', length: 64, nullable: true }) paymentReference!: string | null;
  @Column({ name: 'paid_recorded_by', type: 'uuid', nullable: true }) paidRecordedBy!: string | null;
}
