import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum BlackoutKind {
  /** 特殊时期 (holidays, major events) */
  SpecialPeriod = 'special_period',
  /** 大风天气: open-air hot work stops at wind force 5+ */
  HighWind = 'high_wind',
  Other = 'other',
}

/** What a blackout does to hot work in its window. */
export enum BlackoutEffect {
  /** 禁火: no arc is authorised and no permit whose window overlaps it is approved. */
  Ban = 'ban',
  /** 特殊时段升级管理: permits whose window overlaps it are managed one level up (二级→一级→特级). */
  RaiseLevel = 'raise_level',
}

/**
 * 禁火期: a regulator-declared period in which no arc may be authorised. Declared for region R, it
 * applies to every region in R's subtree while startsAt <= t < endsAt, unless cancelled.
 */
@Entity('blackouts')
export class Blackout {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 12 })
  regionCode!: string;

  /** Copied from the region so that "applies to" is a prefix test. */
  @Column({ name: 'region_path', type: 'text' })
  regionPath!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: BlackoutKind;

  @Column({ type: 'varchar', length: 16, default: BlackoutEffect.Ban })
  effect!: BlackoutEffect;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancelled_by', type: 'uuid', nullable: true })
  cancelledBy!: string | null;

  @Column({ name: 'cancel_reason', type: 'varchar', length: 500, nullable: true })
  cancelReason!: string | null;
}
