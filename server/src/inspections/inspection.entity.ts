import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/columns';
import type { DrawCandidate, DrawWeights } from './inspection-draw';

/** 检查计划: a period and a region, with the 双随机 draw's inputs recorded so that anyone can re-run it. */
@Entity('inspection_plans')
export class InspectionPlan {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ name: 'region_code', type: 'varchar', length: 12 }) regionCode!: string;
  @Column({ name: 'region_path', type: 'text' }) regionPath!: string;
  @Column({ name: 'period_start', type: 'date' }) periodStart!: string;
  @Column({ name: 'period_end', type: 'date' }) periodEnd!: string;
  @Column({ name: 'sample_size', type: 'int' }) sampleSize!: number;
  @Column({ type: 'jsonb' }) weights!: DrawWeights;
  @Column({ type: 'varchar', length: 128 }) seed!: string;
  /** Every enterprise that could be drawn, with the facts its weight came from, as of the draw. */
  @Column({ type: 'jsonb' }) candidates!: DrawCandidate[];
  /** The region's regulator accounts the inspectors were drawn from. */
  @Column({ name: 'inspector_pool', type: 'uuid', array: true }) inspectorPool!: string[];
  @Column({ name: 'drawn_at', type: 'timestamptz' }) drawnAt!: Date;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  /** random: the 双随机 draw of enterprises; targeted: one enterprise named by a regulator (its inspectors still drawn). */
  @Column({ type: 'varchar', length: 16, default: 'random' }) kind!: InspectionKind;
  @Column({ type: 'varchar', length: 500, nullable: true }) reason!: string | null;
  /** The off-platform audit row a targeted plan came from. */
  @Column({ type: 'jsonb', nullable: true }) source!: InspectionSource | null;
}

export type InspectionKind = 'random' | 'targeted';

export interface InspectionSource {
  /** The off-platform audit list (or 'ranking') the enterprise was a suspect of. */
  list: string;
  /** What the row said, as shown to the regulator (machine, welder or permit label). */
  label: string | null;
}

/** One drawn enterprise of a plan with its two inspectors, in draw order. */
@Entity('inspection_targets')
export class InspectionTarget {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'plan_id', type: 'uuid' }) planId!: string;
  @Column({ type: 'int' }) position!: number;
  @Column({ name: 'enterprise_id', type: 'uuid' }) enterpriseId!: string;
  @Column({
    type: 'numeric',
    precision: 10,
    scale: 3,
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  weight!: number;
  @Column({ name: 'inspector_ids', type: 'uuid', array: true }) inspectorIds!: string[];
  /** 现场检查: an assigned inspector checked in at the enterprise (GPS from the phone). */
  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true }) checkedInAt!: Date | null;
  @Column({ name: 'checked_in_by', type: 'uuid', nullable: true }) checkedInBy!: string | null;
  @Column({
    name: 'check_in_latitude',
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  checkInLatitude!: number | null;
  @Column({
    name: 'check_in_longitude',
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  checkInLongitude!: number | null;
}
