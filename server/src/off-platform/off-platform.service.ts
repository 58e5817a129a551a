import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { buildExportOffThread } from '../common/sheets/export-off-thread';
import { addDays, chinaDate, chinaDayStart } from '../common/time/china-date';
import { AuditFilterDto, AuditQueryDto } from './dto/audit-query.dto';
import { AuditIndustriesView, RankingRowView } from './dto/audit.views';
import { AUDIT_EXPORTS } from './off-platform-export';
import {
  AUDIT_EXPORT_MAX_ROWS,
  AuditList,
  RANKING_SIGNALS,
  REPORT_LOOKBACK_DAYS,
  signalPoints,
  WELDING_HEAVY_INDUSTRIES,
} from './off-platform-rules';
import { AuditWindow, OffPlatformRepository, Page, Row, SuspectList } from './off-platform.repository';

export interface AuditExportFile {
  buffer: Buffer;
  asciiName: string;
  chineseName: string;
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const NUMERIC = new Set([
  'onlineDays',
  'onlineDaysWithoutPermit',
  'arcsWithoutGrant',
  'machines',
  'welders',
  'arcsElsewhere',
  'photoCount',
  'score',
  'rank',
]);

/** A raw row as its view: camelCase keys, counts as numbers, the paging helpers dropped. */
function toView<T>(row: Row): T {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (['total', 'row_enterprise_id', 'bound_before', 'has_machines', 'has_welders'].includes(k)) continue;
    const key = camel(k);
    view[key] = NUMERIC.has(key) && v !== null ? Number(v) : v;
  }
  return view as T;
}

function toRankingRow(row: Row): RankingRowView {
  const signals = RANKING_SIGNALS.map((signal) => {
    const count = Number(row[signal] ?? 0);
    return { signal, count, points: signalPoints(signal, count) };
  })
    .filter((s) => s.points > 0)
    .sort((a, b) => b.points - a.points);
  return {
    enterpriseId: row.enterprise_id as string,
    enterpriseName: row.enterprise_name as string,
    industry: row.industry as string,
    regionCode: row.region_code as string,
    regionName: row.region_name as string,
    rank: Number(row.rank),
    score: Number(row.score),
    signals,
  };
}

/**
 * The off-platform audit (非法作业排查): suspect lists no alert names, and the per-enterprise ranking
 * built from them (off-platform-rules.ts defines each list and weight).
 */
@Injectable()
export class OffPlatformService {
  constructor(
    private readonly repo: OffPlatformRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly ds: DataSource,
  ) {}

  window(days: number): AuditWindow {
    const now = this.clock.now();
    const today = chinaDate(now);
    const fromDay = addDays(today, -(days - 1));
    return {
      now,
      today,
      days,
      from: chinaDayStart(fromDay),
      fromDay,
      reportsFrom: chinaDayStart(addDays(today, -(REPORT_LOOKBACK_DAYS - 1))),
    };
  }

  async list<T>(list: SuspectList, actor: Actor, q: AuditQueryDto): Promise<Paginated<T>> {
    const { rows, total } = await this.repo.list(list, actor, q, this.window(q.days), this.page(q));
    return paginate(
      rows.map((r) => toView<T>(r)),
      total,
      q,
    );
  }

  async ranking(actor: Actor, q: AuditQueryDto): Promise<Paginated<RankingRowView>> {
    const { rows, total } = await this.repo.ranking(actor, q, this.window(q.days), this.page(q));
    return paginate(rows.map(toRankingRow), total, q);
  }

  async industries(actor: Actor): Promise<AuditIndustriesView> {
    return { industries: await this.repo.industries(actor), weldingHeavy: [...WELDING_HEAVY_INDUSTRIES] };
  }

  /**
   * One list (or the ranking) with the same filters as a workbook, built in a worker thread; more than
   * AUDIT_EXPORT_MAX_ROWS suspects is refused (narrow the filters). Audited when it holds any row.
   */
  async export(list: AuditList, actor: Actor, f: AuditFilterDto): Promise<AuditExportFile> {
    const w = this.window(f.days);
    const page: Page = { offset: 0, limit: AUDIT_EXPORT_MAX_ROWS + 1 };
    const { rows } =
      list === 'ranking' ? await this.repo.ranking(actor, f, w, page) : await this.repo.list(list, actor, f, w, page);
    if (rows.length > AUDIT_EXPORT_MAX_ROWS)
      throw new DomainError(ErrorCode.EXPORT_TOO_LARGE, `导出最多 ${AUDIT_EXPORT_MAX_ROWS} 行，请缩小筛选范围`, [], {
        total: Number(rows[0].total),
        maxRows: AUDIT_EXPORT_MAX_ROWS,
      });
    const views: unknown[] = list === 'ranking' ? rows.map(toRankingRow) : rows.map((r) => toView(r));
    const spec = AUDIT_EXPORTS[list];
    const buffer = await buildExportOffThread(spec.sheet, spec.columns as never[], views as never[]);
    if (views.length)
      await this.ds.transaction((tx) =>
        this.audit.record(tx, actor, {
          action: 'off_platform.export',
          entityType: 'off_platform_export',
          entityId: randomUUID(),
          enterpriseId: null,
          regionPath: actor.regionPath ?? null,
          before: null,
          after: {
            list,
            rows: views.length,
            filters: { regionCode: f.regionCode ?? null, industry: f.industry ?? null, days: f.days },
          },
        }),
      );
    const day = w.today;
    return { buffer, asciiName: `off-platform-${spec.stem}-${day}.xlsx`, chineseName: `${spec.sheet}-${day}.xlsx` };
  }

  private page(q: AuditQueryDto): Page {
    return { offset: offsetOf(q), limit: q.pageSize };
  }
}
