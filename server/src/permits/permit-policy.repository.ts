import { Injectable } from '@nestjs/common';
import { Between, DataSource, EntityManager } from 'typeorm';
import { HolidayCalendarYear, StatutoryHoliday } from './holiday-calendar.entity';
import { RegionalApprovalMinimum } from './regional-minimum.entity';

/** Rules set above the enterprise: regulators' minimum chains and the national holiday calendar. */
@Injectable()
export class PermitPolicyRepository {
  constructor(private readonly ds: DataSource) {}

  /** Minimums declared for the region or any ancestor, broadest first. */
  minimumsCovering(regionPath: string, em: EntityManager = this.ds.manager): Promise<RegionalApprovalMinimum[]> {
    return em
      .createQueryBuilder(RegionalApprovalMinimum, 'm')
      .where('starts_with(:regionPath, m.region_path)', { regionPath })
      .orderBy('length(m.region_path)', 'ASC')
      .getMany();
  }

  findMinimum(regionCode: string, em: EntityManager = this.ds.manager): Promise<RegionalApprovalMinimum | null> {
    return em.findOne(RegionalApprovalMinimum, { where: { regionCode } });
  }

  async saveMinimum(em: EntityManager, m: Omit<RegionalApprovalMinimum, 'updatedAt'>): Promise<void> {
    await em.save(RegionalApprovalMinimum, em.create(RegionalApprovalMinimum, m));
  }

  statutoryHolidaysBetween(from: string, to: string, em: EntityManager = this.ds.manager): Promise<StatutoryHoliday[]> {
    return em.find(StatutoryHoliday, { where: { day: Between(from, to) }, order: { day: 'ASC' } });
  }

  findYear(year: number, em: EntityManager = this.ds.manager): Promise<HolidayCalendarYear | null> {
    return em.findOne(HolidayCalendarYear, { where: { year } });
  }

  listYears(): Promise<HolidayCalendarYear[]> {
    return this.ds.manager.find(HolidayCalendarYear, { order: { year: 'ASC' } });
  }

  holidaysOfYear(year: number, em: EntityManager = this.ds.manager): Promise<StatutoryHoliday[]> {
    return em.find(StatutoryHoliday, { where: { year }, order: { day: 'ASC' } });
  }

  async replaceYear(
    em: EntityManager,
    y: Omit<HolidayCalendarYear, 'updatedAt'>,
    days: { date: string; name: string }[],
  ): Promise<void> {
    await em.save(HolidayCalendarYear, em.create(HolidayCalendarYear, y));
    await em.delete(StatutoryHoliday, { year: y.year });
    if (days.length)
      await em.insert(
        StatutoryHoliday,
        days.map((d) => ({ day: d.date, year: y.year, name: d.name })),
      );
  }
}
