import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A regulator's minimum approval chains for its region's subtree (raises the platform minimum, never lowers it). */
@Entity('regional_approval_minimums')
export class RegionalApprovalMinimum {
  @PrimaryColumn({ name: 'region_code', type: 'varchar', length: 12 })
  regionCode!: string;

  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  /** ApprovalChains as saved; read back through readChains (never trusted as-is). */
  @Column({ type: 'jsonb' })
  chains!: unknown;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
