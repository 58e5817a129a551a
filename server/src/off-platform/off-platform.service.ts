import { Injectable } from '@nestjs/common';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { AuditFilterDto, AuditQueryDto } from './dto/audit-query.dto';
import { AuditIndustriesView, RankingRowView } from './dto/audit.views';
import { ExportedStream, QueryExportService } from '../exports/query-export.service';
import { OFF_PLATFORM_LIST_EXPORTS } from './off-platform-export';
import { toRankingRow, toView } from './off-platform-rows';
import { AuditList, WELDING_HEAVY_INDUSTRIES } from './off-platform-rules';
import { AuditWindow, isStoredList, OffPlatformRepository, Page, SuspectList } from './off-platform.repository';
import { auditWindow, RankingSignalsJob } from './ranking-signals.job';

/**
 * The off-platform audit (非法作业排查): suspect lists no alert names, and the per-enterprise ranking
 * built from them (off-platform-rules.ts defines each list and weight).
 */
@Injectable()
export class OffPlatformService {
  constructor(
    private readonly repo: OffPlatformRepository,
    private readonly clock: Clock,
    private readonly exporter: QueryExportService,
    private readonly signals: RankingSignalsJob,
  ) {}

  window(days: number): AuditWindow {
    return auditWindow(this.clock.now(), days);
  }

  /**
   * A page of one list. The lists that judge every machine (STORED_LISTS) read, for the default look-back,
   * the suspects judged with the ranking's signals, and say when (judgedAt); another look-back is judged now.
   */
  async list<T>(list: SuspectList, actor: Actor, q: AuditQueryDto): Promise<Paginated<T>> {
    const judged = isStoredList(list) ? await this.signals.usable(q.days) : null;
    const { rows, total } = await this.repo.list(list, actor, q, this.window(q.days), this.page(q), !!judged);
    const stamp = isStoredList(list) ? { judgedAt: judged?.countedAt ?? null } : {};
    return paginate(
      rows.map((r) => ({ ...toView<T>(r), ...stamp })),
      total,
      q,
    );
  }

  /** The default look-back's ranking from the signals counted every few minutes; another look-back counted now. */
  async ranking(actor: Actor, q: AuditQueryDto): Promise<Paginated<RankingRowView>> {
    const counted = await this.signals.usable(q.days);
    const { rows, total } = await this.repo.ranking(actor, q, this.window(q.days), this.page(q), !!counted);
    const countedAt = counted?.countedAt ?? null;
    return paginate(
      rows.map((r) => toRankingRow(r, countedAt)),
      total,
      q,
    );
  }

  async industries(actor: Actor): Promise<AuditIndustriesView> {
    return { industries: await this.repo.industries(actor), weldingHeavy: [...WELDING_HEAVY_INDUSTRIES] };
  }

  /**
   * Every suspect of one list (or the ranking) with the same filters as a workbook, streamed: read through a
   * cursor and written in an export worker thread (QueryExportService), no row cap but the sheet's own.
   * Audited as the other exports are (QueryExportService.audited): with the rows written, or with rows null when cut short.
   */
  async export(list: AuditList, actor: Actor, f: AuditFilterDto): Promise<ExportedStream> {
    const judged = isStoredList(list) ? await this.signals.usable(f.days) : null;
    const statement = this.repo.exportStatement(list, actor, f, this.window(f.days), !!judged);
    const file = await this.exporter.export(OFF_PLATFORM_LIST_EXPORTS[list], statement);
    return this.exporter.audited(
      file,
      actor,
      { action: 'off_platform.export', entityType: 'off_platform_export', enterpriseId: null },
      (rows) => ({
        list,
        rows,
        complete: rows !== null,
        filters: { regionCode: f.regionCode ?? null, industry: f.industry ?? null, days: f.days },
      }),
    );
  }

  private page(q: AuditQueryDto): Page {
    return { offset: offsetOf(q), limit: q.pageSize };
  }
}
