import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Actor } from '../access/actor';
import { AlertSeverity, AlertState } from '../alerts/alert-type';
import { AlertsService } from '../alerts/alerts.service';
import { AlertView } from '../alerts/alert.view';
import { Clock } from '../common/clock/clock';
import type { ExportedStream } from '../exports/query-export.service';
import { Paginated } from '../common/http/pagination';
import { addDays, chinaDate, chinaDayStart } from '../common/time/china-date';
import { Role } from '../common/roles/role';
import { CERTIFICATE_CENSUS, CertificateCensus } from '../welders/certificate-census';
import type { CertificateState } from '../welders/welder-views';
import { OFF_PLATFORM_TYPES, OffPlatformFilterDto, OffPlatformQueryDto } from './dto/off-platform-query.dto';
import {
  AlertCensus,
  EnterpriseCensus,
  MachineCensus,
  OverviewView,
  TownshipRow,
  TrendPoint,
  WelderCensus,
} from './dto/overview.view';
import { DailyCount, RegionRef, StatsRepository } from './stats.repository';
import { CensusRefresh, CensusRepository } from './census/census.repository';
import { CensusRefreshJob } from './census/census-refresh.job';

export const TREND_DAYS = 30;
/** Default reuse of an overview for the same scope (REPORTING_OVERVIEW_CACHE_S); its generatedAt says how old. */
export const DEFAULT_OVERVIEW_CACHE_S = 10;
/** Scopes remembered at most (a province has ~2,000 regions; enterprises are many more). */
const MAX_CACHED_SCOPES = 2_000;

/** Everything the overview's figures depend on: who asks does not matter, what they may see does. */
function scopeKey(a: Actor): string {
  return [a.role, a.regionCode ?? '', a.regionPath ?? '', a.enterpriseId ?? ''].join('|');
}

@Injectable()
export class StatsService {
  private readonly recent = new Map<string, { at: number; settled: boolean; value: Promise<OverviewView> }>();
  private readonly cacheMs: number;

  constructor(
    private readonly repo: StatsRepository,
    private readonly census: CensusRepository,
    private readonly censusJob: CensusRefreshJob,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    @Inject(CERTIFICATE_CENSUS) private readonly certificateCensus: CertificateCensus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cacheMs = (config.reporting?.overviewCacheS ?? DEFAULT_OVERVIEW_CACHE_S) * 1000;
  }

  /**
   * The census (摸清底数) of everything the caller oversees. Refreshes of one scope that arrive while it
   * is being counted share that count, and a count is reused for a few seconds (its generatedAt says
   * when it was made): ten regulators pressing refresh cost the database one census, not ten.
   */
  overview(actor: Actor): Promise<OverviewView> {
    const key = scopeKey(actor);
    const now = performance.now();
    const hit = this.recent.get(key);
    if (hit && (!hit.settled || now - hit.at < this.cacheMs)) return hit.value;
    if (this.recent.size >= MAX_CACHED_SCOPES) {
      for (const [k, e] of this.recent) if (e.settled && now - e.at >= this.cacheMs) this.recent.delete(k);
    }
    const entry = { at: now, settled: false, value: this.count(actor) };
    this.recent.set(key, entry);
    entry.value.then(
      () => {
        entry.settled = true;
        entry.at = performance.now();
        if (!this.cacheMs && this.recent.get(key) === entry) this.recent.delete(key);
      },
      () => {
        if (this.recent.get(key) === entry) this.recent.delete(key);
      },
    );
    return entry.value;
  }

  private async count(actor: Actor): Promise<OverviewView> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const tables = await this.repo.tablesPresent();
    // A regulator's or the admin's scope is a region path: its census is summed from the pre-aggregated
    // rows (about one per township). An enterprise's own is small and counted live.
    const census = readsCensus(actor) ? await this.censusJob.usable() : null;
    const region =
      actor.role === Role.Regulator && actor.regionCode ? await this.repo.regionByCode(actor.regionCode) : null;
    const [registry, permitsActiveToday, alerts, byTownship, trend] = await Promise.all([
      census ? this.registryFromCensus(actor, today, tables.chips) : this.registryLive(actor, tables.chips),
      tables.permits
        ? this.repo.permitsActiveBetween(actor, chinaDayStart(today), chinaDayStart(addDays(today, 1)))
        : Promise.resolve(0),
      this.alertCensus(actor),
      this.byTownship(actor, today, census),
      this.trend(actor, today, tables, census),
    ]);
    return {
      generatedAt: now,
      today,
      regionCode: region?.code ?? null,
      regionName: region?.name ?? null,
      ...registry,
      permitsActiveToday,
      alerts,
      byTownship,
      trend,
      sources: { devices: tables.chips, arcs: tables.arcs, permits: tables.permits },
      census: census
        ? {
            countedAt: census.countedAt,
            everyS: Math.round(this.censusJob.schedule.intervalMs(census) / 1000),
          }
        : null,
    };
  }

  private async registryLive(actor: Actor, withChips: boolean): Promise<Registry> {
    const [enterprises, machines, welders] = await Promise.all([
      this.repo.enterpriseCounts(actor),
      this.repo.machineCounts(actor, withChips),
      this.certificateCensus.countByCertificateState(actor),
    ]);
    return { enterprises, machines, welders: welderCensusOf(welders.total, welders.byState) };
  }

  /** The census's registry, with what must be live: machines online now, welders dispatched in today. */
  private async registryFromCensus(actor: Actor, today: string, withChips: boolean): Promise<Registry> {
    const [totals, online, dispatched] = await Promise.all([
      this.census.totals(actor),
      withChips ? this.repo.machinesOnline(actor) : Promise.resolve({ online: 0, arcing: 0 }),
      this.census.dispatchedInto(actor, today),
    ]);
    const { total: employed, ...byEmployer } = totals.welders;
    const byState: Partial<Record<CertificateState, number>> = { ...byEmployer };
    let total = employed;
    for (const [state, n] of Object.entries(dispatched)) {
      byState[state as CertificateState] = (byState[state as CertificateState] ?? 0) + n;
      total += n;
    }
    return {
      enterprises: totals.enterprises,
      machines: { ...totals.machines, ...online },
      welders: welderCensusOf(total, byState),
    };
  }

  /**
   * The alert list of the off-platform types, through the alerts module: its scope, filters, order and
   * capped count (a province's report is not counted exactly on every page).
   */
  offPlatform(actor: Actor, q: OffPlatformQueryDto): Promise<Paginated<AlertView>> {
    return this.alerts.list(actor, { ...q, type: undefined }, q.type ? [q.type] : OFF_PLATFORM_TYPES);
  }

  /** Every alert of the report's filters, streamed and audited by the alerts module (no row cap but the sheet's). */
  exportOffPlatform(actor: Actor, f: OffPlatformFilterDto): Promise<ExportedStream> {
    return this.alerts.exportOffPlatform(actor, f, f.type ? [f.type] : OFF_PLATFORM_TYPES);
  }

  /** Not-closed alerts only: the closed ones, most of a province's, are not read (the alerts module's summary). */
  private async alertCensus(actor: Actor): Promise<AlertCensus> {
    const s = await this.alerts.summary(actor, { notClosed: true });
    const openBySeverity: Record<string, number> = {};
    for (const sev of Object.values(AlertSeverity)) openBySeverity[sev] = s.byState[AlertState.Open][sev];
    const openByType: Record<string, number> = {};
    for (const [type, counts] of Object.entries(s.byType)) {
      const notClosed = counts[AlertState.Open] + counts[AlertState.Acknowledged];
      if (notClosed > 0) openByType[type] = notClosed;
    }
    return {
      open: s.byState[AlertState.Open].total,
      acknowledged: s.byState[AlertState.Acknowledged].total,
      openBySeverity,
      openByType,
    };
  }

  /** The regions one level below the caller's: townships for a county regulator. */
  private async breakdownRegions(actor: Actor): Promise<RegionRef[]> {
    if (actor.role === Role.Regulator && actor.regionCode) {
      const own = await this.repo.regionByCode(actor.regionCode);
      if (!own) return [];
      // Township regulators oversee enterprises registered at the township itself: one row.
      if (own.level === 'township' || own.level === 'village') return [own];
      const children = await this.repo.childRegions(own.code);
      return children.length ? children : [own];
    }
    if (actor.role === Role.PlatformAdmin) {
      const roots = await this.repo.rootRegions();
      return roots.length === 1 ? this.repo.childRegions(roots[0].code) : roots;
    }
    if ((actor.role === Role.EnterpriseAdmin || actor.role === Role.SafetyManager) && actor.enterpriseId) {
      const own = await this.repo.enterpriseRegion(actor.enterpriseId);
      return own ? [own] : [];
    }
    return [];
  }

  private async byTownship(actor: Actor, today: string, census: CensusRefresh | null): Promise<TownshipRow[]> {
    const regions = await this.breakdownRegions(actor);
    if (census) {
      const [registry, dispatched, alerts] = await Promise.all([
        this.census.byRegion(regions),
        this.census.dispatchedIntoRegions(regions, today),
        this.repo.openAlertsByRegion(actor, regions),
      ]);
      return regions.map((r) => {
        const c = registry.get(r.code)!;
        return {
          regionCode: r.code,
          regionName: r.name,
          enterprises: c.enterprises,
          machines: c.machines,
          chipped: c.chipped,
          welders: c.welders + (dispatched.get(r.code) ?? 0),
          openAlerts: alerts.get(r.code) ?? 0,
        };
      });
    }
    const [registry, alerts, welders] = await Promise.all([
      this.repo.registryByRegion(actor, regions),
      this.repo.openAlertsByRegion(actor, regions),
      this.repo.activeWeldersByRegion(actor, regions),
    ]);
    return regions.map((r) => ({
      regionCode: r.code,
      regionName: r.name,
      ...registry.get(r.code)!,
      welders: welders.get(r.code) ?? 0,
      openAlerts: alerts.get(r.code) ?? 0,
    }));
  }

  /** The last TREND_DAYS China days: those the census holds from it, the rest (normally today) counted live. */
  private async trend(
    actor: Actor,
    today: string,
    tables: { arcs: boolean; permits: boolean },
    census: CensusRefresh | null,
  ): Promise<TrendPoint[]> {
    const firstDay = addDays(today, -(TREND_DAYS - 1));
    const liveFrom = census ? [firstDay, census.daysTo, today].sort()[1] : firstDay;
    const from = chinaDayStart(liveFrom);
    const to = chinaDayStart(addDays(today, 1));
    const none = Promise.resolve([] as DailyCount[]);
    const [alerts, arcs, permits, counted] = await Promise.all([
      this.repo.alertsPerDay(actor, from, to),
      tables.arcs ? this.repo.arcsPerDay(actor, from, to) : none,
      tables.permits ? this.repo.permitsPerDay(actor, from, to) : none,
      census && liveFrom > firstDay ? this.census.days(actor, firstDay, liveFrom) : Promise.resolve([]),
    ]);
    const index = (rows: DailyCount[]) => new Map(rows.map((r) => [r.day, r.n]));
    const [a, x, p] = [index(alerts), index(arcs), index(permits)];
    const before = new Map(counted.map((d) => [d.day, d]));
    return Array.from({ length: TREND_DAYS }, (_, i) => {
      const date = addDays(firstDay, i);
      const c = date < liveFrom ? before.get(date) : undefined;
      if (date < liveFrom) return { date, alerts: c?.alerts ?? 0, arcs: c?.arcs ?? 0, permits: c?.permits ?? 0 };
      return { date, alerts: a.get(date) ?? 0, arcs: x.get(date) ?? 0, permits: p.get(date) ?? 0 };
    });
  }
}

interface Registry {
  enterprises: EnterpriseCensus;
  machines: MachineCensus;
  welders: WelderCensus;
}

/** Regulators (of a region) and the platform admin read the pre-aggregated census. */
function readsCensus(actor: Actor): boolean {
  return actor.role === Role.PlatformAdmin || (actor.role === Role.Regulator && !!actor.regionPath);
}

/** The overview's welder figures from counts by certificate state (certificateStateOf). */
function welderCensusOf(total: number, byState: Partial<Record<CertificateState, number>>): WelderCensus {
  const n = (state: CertificateState) => byState[state] ?? 0;
  const counted = n('valid') + n('expiring_90d') + n('expired') + n('review_overdue') + n('none');
  return {
    total,
    certified: n('valid') + n('expiring_90d'),
    expiring90d: n('expiring_90d'),
    expired: n('expired'),
    reviewOverdue: n('review_overdue'),
    none: n('none'),
    other: total - counted,
  };
}
