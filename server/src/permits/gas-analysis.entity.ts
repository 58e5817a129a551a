import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';
import { LelClass } from './gas-rules';

/** 动火分析: one combustible-gas reading taken at the site. `passed` is computed by the server. */
@Entity('permit_gas_analyses')
export class GasAnalysis {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'permit_id', type: 'uuid' })
  permitId!: string;

  @Column({ name: 'taken_at', type: 'timestamptz' })
  takenAt!: Date;

  @Column({ type: 'varchar', length: 50 })
  gas!: string;

  /** The catalogue gas (gas-catalogue.ts) whose LEL set the class; null for a gas typed in, judged at 0.2 %. */
  @Column({ name: 'gas_code', type: 'varchar', length: 40, nullable: true })
  gasCode!: string | null;

  @Column({ name: 'lel_class', type: 'varchar', length: 4 })
  lelClass!: LelClass;

  @Column({
    name: 'lel_percent',
    type: 'numeric',
    precision: 5,
    scale: 2,
    nullable: true,
    transformer: numericTransformer,
  })
  lelPercent!: number | null;

  @Column({ name: 'reading_percent_vol', type: 'numeric', precision: 8, scale: 4, transformer: numericTransformer })
  readingPercentVol!: number;

  @Column({ type: 'boolean' })
  passed!: boolean;

  @Column({ type: 'varchar', length: 50 })
  analyst!: string;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
