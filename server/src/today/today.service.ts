import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Role } from '../common/roles/role';
import { chinaDate } from '../common/time/china-date';
import { RegionLevel } from '../regions/region.entity';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { TodayRepository } from './today.repository';
import { TodayView } from './today.view';

/** Items shown per section (the count says how many there are). */
export const TODAY_ITEMS = 10;
const COUNTY_OR_ABOVE: ReadonlySet<RegionLevel> = new Set([RegionLevel.Province, RegionLevel.City, RegionLevel.County]);

/** 今日待办: a regulator's landing (issue 15 §5). */
@Injectable()
export class TodayService {
  constructor(
    private readonly repo: TodayRepository,
    private readonly clock: Clock,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
  ) {}

  async forActor(actor: Actor): Promise<TodayView> {
    if (actor.role !== Role.Regulator || !actor.regionPath || !actor.userId || !actor.regionCode)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators have a day of work here');
    const region = await this.regions.findByCode(actor.regionCode);
    const now = this.clock.now();
    const rows = await this.repo.forRegulator({
      userId: actor.userId,
      scopePath: actor.regionPath,
      county: !!region && COUNTY_OR_ABOVE.has(region.level),
      now,
      today: chinaDate(now),
      limit: TODAY_ITEMS,
    });
    const n = <T extends { count: number | string }>(s: T) => ({ ...s, count: Number(s.count) });
    return {
      overdue: n(rows.overdue),
      awaitingSignOff: n(rows.awaitingSignOff),
      awaitingVerification: n(rows.awaitingVerification),
      inspections: n(rows.inspections),
      reports: n(rows.reports),
      generatedAt: now,
    } as TodayView;
  }
}
