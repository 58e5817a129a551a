import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum EngagementKind {
  /** 劳务派遣 */
  Dispatched = 'dispatched',
  /** 外包 */
  Outsourced = 'outsourced',
  /** 承包 / contractor on site */
  Contractor = 'contractor',
}

/** A welder working for an enterprise other than the employer (劳务派遣, 外包). */
@Entity('welder_engagements')
export class WelderEngagement {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'welder_id', type: 'uuid' })
  welderId!: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: EngagementKind;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn!: string;

  @Column({ name: 'ends_on', type: 'date', nullable: true })
  endsOn!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
