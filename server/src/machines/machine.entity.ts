import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { numericTransformer } from '../database/columns';
import { Enterprise } from '../enterprises/enterprise.entity';

export enum MachineKind {
  ElectricArc = 'electric_arc',
  Resistance = 'resistance',
  Gas = 'gas',
}

export enum MachineStatus {
  Registered = 'registered',
  Active = 'active',
  Suspended = 'suspended',
  Retired = 'retired',
}

/** A welding machine (电焊机) or an oxy-fuel set (气焊), one code each (一机一码). */
@Entity('machines')
export class Machine {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @ManyToOne(() => Enterprise, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enterprise_id' })
  enterprise?: Enterprise;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: MachineKind;

  @Column({ type: 'varchar', length: 100 })
  manufacturer!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ name: 'serial_number', type: 'varchar', length: 100 })
  serialNumber!: string;

  /** Rated input in kVA (electric machines); null for gas sets. */
  @Column({
    name: 'rated_input_kva',
    type: 'numeric',
    precision: 8,
    scale: 2,
    nullable: true,
    transformer: numericTransformer,
  })
  ratedInputKva!: number | null;

  /**
   * Rated current on the nameplate, in what the machine's current sensor measures: the welding output
   * of an arc machine, the primary current of a resistance welder. Null when unknown; never for gas
   * sets. Grants carry it as maxCurrentA and the device cuts an arc that runs past it.
   */
  @Column({ name: 'rated_current_a', type: 'integer', nullable: true })
  ratedCurrentA!: number | null;

  @Column({ type: 'varchar', length: 16, default: MachineStatus.Registered })
  status!: MachineStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  /** True while a suspension imposed by a regulator (or platform admin) is in force: only they may lift it. */
  @Column({ name: 'suspended_by_regulator', type: 'boolean', default: false })
  suspendedByRegulator!: boolean;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  /** The chip bound to this machine; the binding flow belongs to the device module. */
  @Column({ name: 'chip_id', type: 'varchar', length: 64, nullable: true })
  chipId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
