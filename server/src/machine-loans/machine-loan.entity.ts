import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** 借用: machine M lent by enterprise A (its owner) to enterprise B for [startsAt, endsAt). */
@Entity('machine_loans')
export class MachineLoan {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'machine_id', type: 'uuid' })
  machineId!: string;

  @Column({ name: 'lender_enterprise_id', type: 'uuid' })
  lenderEnterpriseId!: string;

  @Column({ name: 'borrower_enterprise_id', type: 'uuid' })
  borrowerEnterpriseId!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 500, nullable: true })
  revokedReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
