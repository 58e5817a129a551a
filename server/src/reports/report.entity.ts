import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';

export enum ReportStatus {
  Received = 'received',
  Verifying = 'verifying',
  /** 查实: the report was confirmed; the reporter becomes eligible for a reward. */
  Verified = 'verified',
  Rejected = 'rejected',
  /** 销号: handled and signed off. */
  Closed = 'closed',
}

/** What checking the scanned code said when the report arrived. */
export enum MachineCodeState {
  Valid = 'valid',
  /** Signature wrong: a forged label is itself worth reporting, so the report is kept. */
  Forged = 'forged',
  Unknown = 'unknown',
  Revoked = 'revoked',
}

/** A public report (一键举报) of suspected illegal welding. */
@Entity('reports')
export class Report {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tracking_code', type: 'char', length: 10 })
  trackingCode!: string;

  @Column({ type: 'varchar', length: 16, default: ReportStatus.Received })
  status!: ReportStatus;

  @Column({ name: 'reward_eligible', type: 'boolean', default: false })
  rewardEligible!: boolean;

  @Column({ type: 'varchar', length: 2000 })
  description!: string;

  @Column({ name: 'machine_code', type: 'varchar', length: 32, nullable: true })
  machineCode!: string | null;

  @Column({ name: 'machine_code_state', type: 'varchar', length: 16, nullable: true })
  machineCodeState!: MachineCodeState | null;

  @Column({ name: 'machine_id', type: 'uuid', nullable: true })
  machineId!: string | null;

  @Column({ name: 'enterprise_id', type: 'uuid', nullable: true })
  enterpriseId!: string | null;

  @Column({ name: 'region_code', type: 'varchar', length: 12, nullable: true })
  regionCode!: string | null;

  /** null: nobody could place it; every regulator sees it. */
  @Column({ name: 'region_path', type: 'text', nullable: true })
  regionPath!: string | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude!: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude!: number | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Column({ name: 'reporter_contact_enc', type: 'text', nullable: true, select: false })
  reporterContactEnc!: string | null;

  @Column({ name: 'reporter_contact_masked', type: 'varchar', length: 11, nullable: true })
  reporterContactMasked!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
