import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ApprovalChains } from './approval-chain';

/** Per-enterprise permit rules; an enterprise without a row uses the defaults. */
@Entity('enterprise_permit_settings')
export class EnterprisePermitSettings {
  @PrimaryColumn({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  /** China calendar dates (YYYY-MM-DD) marked as holidays. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  holidays!: string[];

  @Column({ name: 'night_start', type: 'varchar', length: 5, nullable: true })
  nightStart!: string | null;

  @Column({ name: 'night_end', type: 'varchar', length: 5, nullable: true })
  nightEnd!: string | null;

  @Column({ name: 'upgrade_on_holidays', type: 'boolean', default: true })
  upgradeOnHolidays!: boolean;

  @Column({ name: 'upgrade_at_night', type: 'boolean', default: true })
  upgradeAtNight!: boolean;

  @Column({ name: 'approval_chains', type: 'jsonb' })
  approvalChains!: ApprovalChains;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
