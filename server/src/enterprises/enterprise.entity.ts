import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';

export enum EnterpriseStatus {
  Active = 'active',
  Suspended = 'suspended',
  Closed = 'closed',
}

/** 生产经营单位. Phones are stored encrypted (FieldCipher) and only ever shown masked. */
@Entity('enterprises')
export class Enterprise {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** 统一社会信用代码 */
  @Column({ type: 'char', length: 18, unique: true })
  uscc!: string;

  @Column({ type: 'varchar', length: 100 })
  industry!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 12 })
  regionCode!: string;

  /** Copied from the region so that subtree scoping needs no join. */
  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ type: 'varchar', length: 300 })
  address!: string;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  latitude!: number | null;

  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true, transformer: numericTransformer })
  longitude!: number | null;

  @Column({ name: 'principal_name', type: 'varchar', length: 50 })
  principalName!: string;

  @Column({ name: 'principal_phone_enc', type: 'text' })
  principalPhoneEnc!: string;

  @Column({ name: 'controller_name', type: 'varchar', length: 50, nullable: true })
  controllerName!: string | null;

  @Column({ name: 'controller_phone_enc', type: 'text', nullable: true })
  controllerPhoneEnc!: string | null;

  @Column({ type: 'varchar', length: 16, default: EnterpriseStatus.Active })
  status!: EnterpriseStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
