import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One year of the national statutory holiday calendar (国务院办公厅 节假日安排); unpublished years have no days. */
@Entity('holiday_calendar_years')
export class HolidayCalendarYear {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ type: 'boolean' })
  published!: boolean;

  @Column({ type: 'varchar', length: 300 })
  source!: string;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A statutory day off (China calendar date); hot work touching it is managed one level up, whatever the enterprise set. */
@Entity('statutory_holidays')
export class StatutoryHoliday {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'int' })
  year!: number;

  @Column({ type: 'varchar', length: 50 })
  name!: string;
}
