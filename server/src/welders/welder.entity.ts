import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Enterprise } from '../enterprises/enterprise.entity';

export enum WelderStatus {
  Active = 'active',
  Inactive = 'inactive',
}

/**
 * 焊工. The ID number is personal data: stored encrypted, searchable only through its blind
 * index, shown masked. The certificate number is "T" + the ID number, so it is never stored.
 */
@Entity('welders')
export class Welder {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'real_name', type: 'varchar', length: 50 })
  realName!: string;

  @Column({ name: 'id_number_enc', type: 'text' })
  idNumberEnc!: string;

  @Column({ name: 'id_number_index', type: 'char', length: 64, unique: true })
  idNumberIndex!: string;

  /** Masked form kept beside the ciphertext so that lists need no decryption. */
  @Column({ name: 'id_number_masked', type: 'varchar', length: 18 })
  idNumberMasked!: string;

  @Column({ name: 'phone_enc', type: 'text', nullable: true })
  phoneEnc!: string | null;

  @Column({ name: 'phone_masked', type: 'varchar', length: 11, nullable: true })
  phoneMasked!: string | null;

  @Column({ name: 'employer_id', type: 'uuid' })
  employerId!: string;

  @ManyToOne(() => Enterprise, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'employer_id' })
  employer?: Enterprise;

  @Column({ type: 'varchar', length: 16, default: WelderStatus.Active })
  status!: WelderStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
