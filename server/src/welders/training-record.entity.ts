import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';

/** 分级培训: who organised the training. */
export enum TrainingTier {
  County = 'county',
  Township = 'township',
  Enterprise = 'enterprise',
}

@Entity('training_records')
export class TrainingRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ type: 'varchar', length: 16 })
  tier!: TrainingTier;

  @Column({ type: 'varchar', length: 200 })
  course!: string;

  @Column({ type: 'numeric', precision: 6, scale: 1, transformer: numericTransformer })
  hours!: number;

  @Column({ name: 'completed_on', type: 'date' })
  completedOn!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  provider!: string | null;

  @Column({ type: 'boolean' })
  passed!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
