import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../access/actor';
import { Clock } from '../../common/clock/clock';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { buildExportOffThread } from '../../common/sheets/export-off-thread';
import { ExportColumn } from '../../common/sheets/export-builder';
import { addDays, chinaDate, daysBetween } from '../../common/time/china-date';
import { Role } from '../../common/roles/role';
import { REGION_LOOKUP, RegionLookup } from '../../regions/region-lookup';
import { HazardCategory, HazardLevel, HazardSource, HazardState } from '../hazard-rules';
import { HazardStatisticsQueryDto } from './hazard-statistics.dto';
import { HazardStatisticsRepository } from './hazard-statistics.repository';
import { HazardRegionIndustryRowView, HazardStatisticsView } from './hazard-statistics.view';

/** The longest period one request may span (inclusive days). */
export const MAX_STATISTICS_DAYS = 3 * 366;
/** The default period: this many days up to today. */
const DEFAULT_DAYS = 365;

/** Chinese headers of the category columns in the workbook (the console has its own labels). */
export const CATEGORY_LABEL: Record<HazardCategory, string> = {
  [HazardCategory.UnlicensedWelding]: '无证焊接',
  [HazardCategory.NoHotWorkPermit]: '未办理动火作业票',
  [HazardCategory.MachineNotChipped]: '焊机未加芯赋码',
  [HazardCategory.FireWatchMissing]: '监护缺失',
  [HazardCategory.GasTestMissing]: '气体检测缺失',
  [HazardCategory.FireEquipmentMissing]: '消防器材缺失',
  [HazardCategory.ModifiedMachine]: '改装焊机',
  [HazardCategory.ArcWithoutGrant]: '无授权起弧',
  [HazardCategory.MachineOveruse]: '焊机超时运行',
  [HazardCategory.CombustiblesNearby]: '周边可燃物未清理',
  [HazardCategory.Other]: '其他',
};

export interface HazardStatisticsFile {
  buffer: Buffer;
  asciiName: string;
  chineseName: string;
}

/**
 * 隐患统计 (issue 15 §5): by source, level, state and category, time to sign-off, and the township ×
 * industry × category table, for the hazards registered in a period inside the caller's scope (a
 * township sees its own, the county everything below it, platform admins all).
 */
@Injectable()
export class HazardStatisticsService {
  constructor(
    private readonly repo: HazardStatisticsRepository,
    private readonly clock: Clock,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
  ) {}

  async statistics(actor: Actor, q: HazardStatisticsQueryDto): Promise<HazardStatisticsView> {
    const now = this.clock.now();
    const to = q.to ?? chinaDate(now);
    const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
    const span = daysBetween(from, to);
    if (span < 0) throw DomainError.invalid('to', 'toNotAfterFrom', 'The last day is before the first');
    if (span + 1 > MAX_STATISTICS_DAYS) throw DomainError.invalid('to', 'max', `At most ${MAX_STATISTICS_DAYS} days`);
    const scopePath = this.scopePath(actor);
    let regionPath: string | null = null;
    if (q.regionCode) {
      const region = await this.regions.findByCode(q.regionCode);
      // A region outside the caller's scope is answered like one that does not exist.
      if (!region || !region.path.startsWith(scopePath)) throw DomainError.notFound('Region');
      regionPath = region.path;
    }
    const rows = await this.repo.aggregate({
      scopePath,
      regionPath,
      industry: q.industry ?? null,
      from,
      to,
      now,
    });
    const dim = <K extends string>(d: 'source' | 'level' | 'state' | 'category') =>
      rows.dimensions.filter((r) => r.dim === d).map((r) => ({ key: r.key as K, count: r.count }));
    const table = new Map<string, HazardRegionIndustryRowView>();
    for (const c of rows.cells) {
      const k = `${c.regionCode}\u0000${c.industry}`;
      let r = table.get(k);
      if (!r) {
        r = {
          regionCode: c.regionCode,
          regionName: c.regionName,
          industry: c.industry,
          total: 0,
          major: 0,
          overdue: 0,
          signedOff: 0,
          byCategory: {},
        };
        table.set(k, r);
      }
      r.total += c.total;
      r.major += c.major;
      r.overdue += c.overdue;
      r.signedOff += c.signedOff;
      r.byCategory[c.category as HazardCategory] = c.total;
    }
    const t = rows.totals;
    return {
      from,
      to,
      regionCode: q.regionCode ?? null,
      industry: q.industry ?? null,
      total: t.total,
      major: t.major,
      bySource: dim<HazardSource>('source'),
      byLevel: dim<HazardLevel>('level'),
      byState: dim<HazardState>('state'),
      byCategory: dim<HazardCategory>('category'),
      signOff: {
        signedOff: t.signedOff,
        medianHours: t.medianHours,
        p90Hours: t.p90Hours,
        onTime: t.onTime,
        late: t.late,
        overdue: t.overdue,
      },
      byRegionIndustry: [...table.values()],
      generatedAt: now,
    };
  }

  /** The township × industry × category table as a workbook, built off the event loop. */
  async export(actor: Actor, q: HazardStatisticsQueryDto): Promise<HazardStatisticsFile> {
    const s = await this.statistics(actor, q);
    const categories = Object.values(HazardCategory).filter((c) => s.byRegionIndustry.some((r) => r.byCategory[c]));
    const columns: ExportColumn<HazardRegionIndustryRowView>[] = [
      { header: '乡镇（街道）', width: 16, value: (r) => r.regionName },
      { header: '行业', width: 18, value: (r) => r.industry },
      { header: '隐患总数', value: (r) => r.total },
      { header: '重大隐患', value: (r) => r.major },
      { header: '逾期未整改', value: (r) => r.overdue },
      { header: '已销号', value: (r) => r.signedOff },
      ...categories.map((c) => ({
        header: CATEGORY_LABEL[c],
        value: (r: HazardRegionIndustryRowView) => r.byCategory[c] ?? 0,
      })),
    ];
    const buffer = await buildExportOffThread('隐患统计', columns, s.byRegionIndustry);
    return {
      buffer,
      asciiName: `hazard-statistics-${s.from}-${s.to}.xlsx`,
      chineseName: `隐患统计-${s.from}至${s.to}.xlsx`,
    };
  }

  private scopePath(actor: Actor): string {
    if (actor.role === Role.PlatformAdmin) return '/';
    if (actor.role === Role.Regulator && actor.regionPath) return actor.regionPath;
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators and platform admins read hazard statistics');
  }
}
