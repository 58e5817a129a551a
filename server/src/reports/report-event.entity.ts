import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ReportStatus } from './report.entity';

/** One step of a report's handling trail. */
@Entity('report_events')
export class ReportEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'report_id', type: 'uuid' })
  reportId!: string;

  /** null for the submission itself. */
  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: ReportStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: ReportStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note!: string | null;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 100 })
  actorName!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
