import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';

/** Where a case came from: a hazard, or an enterprise drawn for an inspection (an inspection target). */
export enum CaseSourceType {
  Hazard = 'hazard',
  Inspection = 'inspection',
}

/** The kinds of decision a case list is filtered by (a decision may combine several). */
export enum CaseDecisionKind {
  Warning = 'warning',
  Fine = 'fine',
  MachineSuspension = 'machine_suspension',
  ProductionHalt = 'production_halt',
}

export enum CaseState {
  Open = 'open',
  Closed = 'closed',
}

/** 立案: one enforcement case against an enterprise; region copied from the enterprise for scoping. */
@Entity('enforcement_cases')
export class EnforcementCase {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'enterprise_id', type: 'uuid' }) enterpriseId!: string;
  @Column({ name: 'region_code', type: 'varchar', length: 12 }) regionCode!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ name: 'source_type', type: 'varchar', length: 20 }) sourceType!: CaseSourceType;
  @Column({ name: 'source_hazard_id', type: 'uuid', nullable: true }) sourceHazardId!: string | null;
  @Column({ name: 'source_inspection_target_id', type: 'uuid', nullable: true })
  sourceInspectionTargetId!: string | null;
  @Column({ name: 'legal_basis', type: 'varchar', length: 500 }) legalBasis!: string;
  @Column({ type: 'varchar', length: 2000 }) facts!: string;
  @Column({ type: 'boolean' }) warning!: boolean;
  @Column({
    name: 'fine_yuan',
    type: 'numeric',
    precision: 12,
    scale: 2,
    nullable: true,
    transformer: numericTransformer,
  })
  fineYuan!: number | null;
  @Column({ name: 'production_halt', type: 'boolean' }) productionHalt!: boolean;
  @Column({ name: 'suspended_machine_ids', type: 'uuid', array: true }) suspendedMachineIds!: string[];
  /** 一案双罚: the responsible person's name, encrypted (FieldCipher); shown masked. */
  @Column({ name: 'second_party_name_enc', type: 'text', nullable: true }) secondPartyNameEnc!: string | null;
  @Column({ name: 'second_party_role', type: 'varchar', length: 60, nullable: true }) secondPartyRole!: string | null;
  @Column({ type: 'varchar', length: 16 }) state!: CaseState;
  @Column({ name: 'closure_note', type: 'varchar', length: 2000, nullable: true }) closureNote!: string | null;
  @Column({ name: 'suspension_lifted', type: 'boolean', nullable: true }) suspensionLifted!: boolean | null;
  @Column({ name: 'opened_by', type: 'uuid' }) openedBy!: string;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt!: Date;
  @Column({ name: 'closed_by', type: 'uuid', nullable: true }) closedBy!: string | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
}
