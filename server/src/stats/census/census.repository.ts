import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../../access/actor';
import { Role } from '../../common/roles/role';
import { takeRecountLock } from '../../common/scheduling/refresh-schedule';
import { ReportingPool, ReportingQuery } from '../../database/reporting-pool';
import { welderCertificateStateParams, welderCertificateStateSql } from '../../welders/certificate-census';
import { WELDER_SCOPE_LOOKUP, WelderScopeLookup } from '../../welders/welder-scope-lookup';
import type { RegionRef } from '../stats.repository';

/** One census refresh at a time per database: replicas all run the job, the others skip that tick. */
const CENSUS_LOCK = 727_303;

/** China day of an instant column, as the live trend counts it (to_char … AT TIME ZONE 'Asia/Shanghai'). */
const chinaDay = (col: string) => `(${col} AT TIME ZONE 'Asia/Shanghai')::date`;

export interface CensusRefresh {
  countedAt: Date;
  /** The China day the welders' certificate states were judged on. */
  today: string;
  /** census_days holds [daysFrom, daysTo): China days, daysTo exclusive. */
  daysFrom: string;
  daysTo: string;
  tookMs: number;
}

export interface CensusTotals {
  enterprises: { total: number; active: number; suspended: number; closed: number };
  machines: { total: number; registered: number; active: number; suspended: number; retired: number; chipped: number };
  /** Active welders by their employer's region, by certificate state (certificateStateOf). */
  welders: {
    total: number;
    valid: number;
    expiring_90d: number;
    expired: number;
    review_overdue: number;
    none: number;
  };
}

export interface CensusRegionRow {
  enterprises: number;
  machines: number;
  chipped: number;
  welders: number;
}

export interface CensusDay {
  day: string;
  arcs: number;
  permits: number;
  alerts: number;
}

const num = (v: unknown): number => Number(v ?? 0);

const REGION_SUMS = `
  sum(enterprises) AS enterprises, sum(enterprises_active) AS enterprises_active,
  sum(enterprises_suspended) AS enterprises_suspended, sum(enterprises_closed) AS enterprises_closed,
  sum(machines) AS machines, sum(machines_registered) AS machines_registered, sum(machines_active) AS machines_active,
  sum(machines_suspended) AS machines_suspended, sum(machines_retired) AS machines_retired,
  sum(machines_chipped) AS machines_chipped, sum(welders) AS welders, sum(welders_valid) AS welders_valid,
  sum(welders_expiring) AS welders_expiring, sum(welders_expired) AS welders_expired,
  sum(welders_review_overdue) AS welders_review_overdue, sum(welders_none) AS welders_none`;

/**
 * The pre-aggregated census (migration 1796900003000): rewritten whole by refresh(), read by the
 * overview of regulators and the platform admin, whose scope is a region path (or everything). An
 * enterprise's own overview is small and stays counted live (stats.repository.ts).
 */
@Injectable()
export class CensusRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly reporting: ReportingPool,
    @Inject(WELDER_SCOPE_LOOKUP) private readonly welderScope: WelderScopeLookup,
  ) {}

  async lastRefresh(): Promise<CensusRefresh | null> {
    const [r] = await this.reporting.query<{
      counted_at: Date;
      today: string;
      days_from: string;
      days_to: string;
      took_ms: number;
    }>(
      `SELECT counted_at, to_char(today, 'YYYY-MM-DD') AS today, to_char(days_from, 'YYYY-MM-DD') AS days_from,
              to_char(days_to, 'YYYY-MM-DD') AS days_to, took_ms FROM census_refreshes WHERE id = 1`,
    );
    return r
      ? { countedAt: r.counted_at, today: r.today, daysFrom: r.days_from, daysTo: r.days_to, tookMs: r.took_ms }
      : null;
  }

  /**
   * Counts everything again, in one transaction: readers see the previous census until it commits.
   * Skipped (null) while another replica refreshes (unless `waitForLock`), or when the census is younger than `minAgeMs`
   * (another replica has just made it). Days are counted for [daysFrom, daysTo) as China days.
   */
  async refresh(
    at: Date,
    today: string,
    days: { from: string; to: string; fromInstant: Date; toInstant: Date },
    minAgeMs: number,
    waitForLock = false,
  ): Promise<CensusRefresh | null> {
    const started = Date.now();
    return this.reporting.transaction(async (query) => {
      if (!(await takeRecountLock(query, CENSUS_LOCK, waitForLock))) return null;
      const [last] = await query<{ counted_at: Date }>(`SELECT counted_at FROM census_refreshes WHERE id = 1`);
      if (last && at.getTime() - last.counted_at.getTime() < minAgeMs) return null;
      await this.countRegions(query, today);
      await query(`DELETE FROM census_days`);
      await query(
        `INSERT INTO census_days (region_path, day, arcs, permits, alerts)
         SELECT region_path, day, sum(arcs), sum(permits), sum(alerts) FROM (
           SELECT COALESCE(x.region_path, '') AS region_path, ${chinaDay('x.started_at')} AS day,
                  count(*) AS arcs, 0 AS permits, 0 AS alerts
             FROM arcs x WHERE x.started_at >= $1 AND x.started_at < $2 GROUP BY 1, 2
           UNION ALL
           SELECT e.region_path, ${chinaDay('p.planned_start')}, 0, count(*), 0
             FROM permits p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE p.status IN ('approved', 'closed') AND p.planned_start >= $1 AND p.planned_start < $2 GROUP BY 1, 2
           UNION ALL
           SELECT COALESCE(a.region_path, ''), ${chinaDay('a.first_seen_at')}, 0, 0, count(*)
             FROM alerts a WHERE a.first_seen_at >= $1 AND a.first_seen_at < $2 GROUP BY 1, 2
         ) s GROUP BY 1, 2`,
        [days.fromInstant, days.toInstant],
      );
      const tookMs = Date.now() - started;
      await query(
        `INSERT INTO census_refreshes (id, counted_at, today, days_from, days_to, took_ms) VALUES (1, $1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET counted_at = EXCLUDED.counted_at, today = EXCLUDED.today,
           days_from = EXCLUDED.days_from, days_to = EXCLUDED.days_to, took_ms = EXCLUDED.took_ms`,
        [at, today, days.from, days.to, tookMs],
      );
      return { countedAt: at, today, daysFrom: days.from, daysTo: days.to, tookMs };
    });
  }

  /** Enterprises, machines and active welders (by employer, certificate state judged on `today`) per region path. */
  private async countRegions(query: ReportingQuery, today: string): Promise<void> {
    const [welSql, welParams] = this.ds
      .createQueryBuilder()
      .from('welders', 'w')
      .innerJoin('enterprises', 'e', 'e.id = w.employer_id')
      .select('e.region_path', 'region_path')
      .addSelect(welderCertificateStateSql('w'), 'state')
      .where(`w.status = 'active'`)
      .setParameters(welderCertificateStateParams(today))
      .getQueryAndParameters();
    await query(`DELETE FROM census_regions`);
    await query(
      // MATERIALIZED: each welder's state is judged once, not once per FILTER that reads it (5× the work).
      `WITH judged AS MATERIALIZED (${welSql}),
       wel AS (
         SELECT region_path, count(*) AS n,
                count(*) FILTER (WHERE state = 'valid') AS valid, count(*) FILTER (WHERE state = 'expiring_90d') AS expiring,
                count(*) FILTER (WHERE state = 'expired') AS expired,
                count(*) FILTER (WHERE state = 'review_overdue') AS review_overdue,
                count(*) FILTER (WHERE state = 'none') AS none
           FROM judged GROUP BY region_path),
       ent AS (
         SELECT region_path, count(*) AS n, count(*) FILTER (WHERE status = 'active') AS active,
                count(*) FILTER (WHERE status = 'suspended') AS suspended, count(*) FILTER (WHERE status = 'closed') AS closed
           FROM enterprises GROUP BY region_path),
       mac AS (
         SELECT e.region_path, count(*) FILTER (WHERE m.status <> 'retired') AS n,
                count(*) FILTER (WHERE m.status = 'registered') AS registered,
                count(*) FILTER (WHERE m.status = 'active') AS active,
                count(*) FILTER (WHERE m.status = 'suspended') AS suspended,
                count(*) FILTER (WHERE m.status = 'retired') AS retired,
                count(*) FILTER (WHERE m.status <> 'retired' AND m.chip_id IS NOT NULL) AS chipped
           FROM machines m JOIN enterprises e ON e.id = m.enterprise_id GROUP BY e.region_path)
       INSERT INTO census_regions
       SELECT ent.region_path, ent.n, ent.active, ent.suspended, ent.closed,
              COALESCE(mac.n, 0), COALESCE(mac.registered, 0), COALESCE(mac.active, 0), COALESCE(mac.suspended, 0),
              COALESCE(mac.retired, 0), COALESCE(mac.chipped, 0),
              COALESCE(wel.n, 0), COALESCE(wel.valid, 0), COALESCE(wel.expiring, 0), COALESCE(wel.expired, 0),
              COALESCE(wel.review_overdue, 0), COALESCE(wel.none, 0)
         FROM ent LEFT JOIN mac USING (region_path) LEFT JOIN wel USING (region_path)`,
      welParams,
    );
  }

  /** The census of everything under the actor's region (a regulator) or of everything (the platform admin). */
  async totals(actor: Actor): Promise<CensusTotals> {
    const path = regionPrefix(actor);
    const [r] = await this.reporting.query<Record<string, string>>(
      `SELECT ${REGION_SUMS} FROM census_regions ${path === null ? '' : 'WHERE region_path LIKE $1'}`,
      path === null ? [] : [path],
    );
    return {
      enterprises: {
        total: num(r?.enterprises),
        active: num(r?.enterprises_active),
        suspended: num(r?.enterprises_suspended),
        closed: num(r?.enterprises_closed),
      },
      machines: {
        total: num(r?.machines),
        registered: num(r?.machines_registered),
        active: num(r?.machines_active),
        suspended: num(r?.machines_suspended),
        retired: num(r?.machines_retired),
        chipped: num(r?.machines_chipped),
      },
      welders: {
        total: num(r?.welders),
        valid: num(r?.welders_valid),
        expiring_90d: num(r?.welders_expiring),
        expired: num(r?.welders_expired),
        review_overdue: num(r?.welders_review_overdue),
        none: num(r?.welders_none),
      },
    };
  }

  /** Per region of `regions` (inside the actor's scope): its subtree's rows summed. */
  async byRegion(regions: RegionRef[]): Promise<Map<string, CensusRegionRow>> {
    const out = new Map(regions.map((r) => [r.code, { enterprises: 0, machines: 0, chipped: 0, welders: 0 }]));
    if (!regions.length) return out;
    const rows = await this.reporting.query<Record<string, string>>(
      `SELECT r.code, sum(c.enterprises) AS enterprises, sum(c.machines) AS machines,
              sum(c.machines_chipped) AS chipped, sum(c.welders) AS welders
         FROM regions r JOIN census_regions c ON c.region_path LIKE r.path || '%'
        WHERE r.code = ANY($1) GROUP BY r.code`,
      [regions.map((r) => r.code)],
    );
    for (const r of rows)
      out.set(r.code, {
        enterprises: num(r.enterprises),
        machines: num(r.machines),
        chipped: num(r.chipped),
        welders: num(r.welders),
      });
    return out;
  }

  /** Arcs, permits and alerts per China day in [from, to) of the actor's scope, as the census counted them. */
  async days(actor: Actor, from: string, to: string): Promise<CensusDay[]> {
    const path = regionPrefix(actor);
    const rows = await this.reporting.query<Record<string, string>>(
      path === null
        ? `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(arcs) AS arcs, sum(permits) AS permits, sum(alerts) AS alerts
             FROM census_days WHERE day >= $1 AND day < $2 GROUP BY day`
        : // Alerts of no region ('') reach every regulator; arcs and permits of no region only the admin.
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(arcs) FILTER (WHERE region_path <> '') AS arcs,
                  sum(permits) FILTER (WHERE region_path <> '') AS permits, sum(alerts) AS alerts
             FROM census_days WHERE day >= $1 AND day < $2 AND (region_path LIKE $3 OR region_path = '') GROUP BY day`,
      path === null ? [from, to] : [from, to, path],
    );
    return rows.map((r) => ({ day: r.day, arcs: num(r.arcs), permits: num(r.permits), alerts: num(r.alerts) }));
  }

  /**
   * Live: active welders engaged today with an enterprise of the regulator's region but employed outside
   * it, by certificate state. The census counts welders by employer; the welders ledger also lists these.
   */
  async dispatchedInto(actor: Actor, today: string): Promise<Record<string, number>> {
    if (actor.role !== Role.Regulator || !actor.regionPath) return {};
    const qb = this.ds
      .createQueryBuilder()
      .from('welders', 'w')
      .innerJoin('enterprises', 'e', 'e.id = w.employer_id')
      .select(welderCertificateStateSql('w'), 'state')
      .addSelect('count(*)', 'n')
      .where(`w.status = 'active'`)
      .andWhere(`e.region_path NOT LIKE :censusPath || '%'`)
      .andWhere(
        `w.id IN (SELECT g.welder_id FROM (${this.welderScope.engagementsTodaySql()}) g WHERE g.region_path LIKE :censusPath || '%')`,
      )
      .groupBy('state')
      .setParameters({ ...welderCertificateStateParams(today), censusPath: actor.regionPath, scopeToday: today });
    const out: Record<string, number> = {};
    for (const r of await this.reporting.rows<{ state: string; n: string }>(qb)) out[r.state] = num(r.n);
    return out;
  }

  /** Live, per region of `regions`: active welders engaged there today but employed outside it. */
  async dispatchedIntoRegions(regions: RegionRef[], today: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!regions.length) return out;
    // From today's engagements (few), not from every welder: a welder engaged twice in one region counts once.
    const qb = this.ds
      .createQueryBuilder()
      .from(`(${this.welderScope.engagementsTodaySql()})`, 'g')
      .innerJoin('regions', 'r', `g.region_path LIKE r.path || '%'`)
      .innerJoin('welders', 'w', 'w.id = g.welder_id')
      .innerJoin('enterprises', 'e', 'e.id = w.employer_id')
      .select('r.code', 'code')
      .addSelect('count(DISTINCT w.id)', 'n')
      .where('r.code IN (:...censusCodes)', { censusCodes: regions.map((r) => r.code) })
      .andWhere(`w.status = 'active'`)
      .andWhere(`e.region_path NOT LIKE r.path || '%'`)
      .groupBy('r.code')
      .setParameter('scopeToday', today);
    for (const r of await this.reporting.rows<{ code: string; n: string }>(qb)) out.set(r.code, num(r.n));
    return out;
  }
}

/** The LIKE pattern of the actor's census scope; null for everything (platform admin). */
function regionPrefix(actor: Actor): string | null {
  if (actor.role === Role.Regulator) return `${actor.regionPath ?? '\u0001'}%`;
  return null;
}
