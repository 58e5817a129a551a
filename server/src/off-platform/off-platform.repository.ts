import { takeRecountLock } from '../common/scheduling/refresh-schedule';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CappedCount, cappedCount } from '../common/http/capped-count';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { certificateValiditySql, REVIEW_WINDOW_DAYS } from '../welders/certificate-rules';
import { welderCertificateStateParams, welderCertificateStateSql } from '../welders/certificate-census';
import { addDays } from '../common/time/china-date';
import type { ExportStatement } from '../common/sheets/export-stream';
import {
  AuditList,
  RANKING_SIGNALS,
  RANKING_WEIGHTS,
  RARELY_ONLINE_MAX_DAYS,
  RankingSignal,
  WELDING_HEAVY_INDUSTRIES,
} from './off-platform-rules';

/** The instants and days one audit run judges against (see AuditWindow in the service). */
export interface AuditWindow {
  /** Start of the first China day of the look-back. */
  from: Date;
  /** That first China day's date. */
  fromDay: string;
  now: Date;
  /** Number of China days in the look-back, today included. */
  days: number;
  /** Today's China calendar date. */
  today: string;
  /** Start of the public-report look-back. */
  reportsFrom: Date;
}

export interface AuditFilter {
  regionCode?: string;
  industry?: string;
}

export interface Page {
  offset: number;
  limit: number;
}

export type Row = Record<string, unknown>;

export interface SignalRefresh {
  countedAt: Date;
  /** The look-back the signals were counted for. */
  days: number;
  tookMs: number;
}

/** One signal count at a time per database: replicas all run the job, the others skip that tick. */
const SIGNALS_LOCK = 727_304;

/*
 * Each list is a statement over one kind of row (machine, enterprise, welder, certificate, permit ×
 * machine, report) with the columns that judge it, and a predicate on those columns that makes the row
 * a suspect. The ranking counts the same rows per enterprise with the same predicate (no second copy of
 * any definition). Every per-row column is an index probe keyed by the row (machines_enterprise_idx,
 * machine_online_days' primary key, arcs_machine_time_idx, arcs_permit_idx, permit_machines_*,
 * welders_employer_idx, grants_welder_idx, certificates_welder_idx, reports_enterprise_created_idx);
 * the lists page in SQL and never load a table into the process.
 */

/**
 * Start of China day `day` (a date column) plus `k` days: the look-back's first instant plus whole days,
 * as the look-back itself is counted.
 */
const DAY_START = (day: string, k = 0) =>
  `(CAST(:from AS timestamptz) + (${day} - CAST(:fromDay AS date) + ${k}) * interval '1 day')`;
/**
 * The China days of the look-back machine `m` was heard on (any device event naming it): rows of
 * machine_online_days, which off-platform/online-days rolls up from device_events (at most
 * ONLINE_DAYS_ROLLUP_INTERVAL_S behind them). One range probe of its primary key per machine.
 */
const HEARD_DAYS = (m: string) =>
  `machine_online_days od WHERE od.machine_id = ${m}.id AND od.day >= CAST(:fromDay AS date) AND od.day <= CAST(:today AS date)`;
/**
 * A permit naming machine `m` was in force at some moment of China day `od.day`: approved (or closed after
 * approval), its window overlapping the day, and not closed before the day began.
 */
const PERMIT_ON_DAY = (m: string) =>
  `EXISTS (SELECT 1 FROM permit_machines pm JOIN permits p ON p.id = pm.permit_id
            WHERE pm.machine_id = ${m}.id AND p.approved_at IS NOT NULL AND p.status IN ('approved', 'closed')
              AND p.planned_start < ${DAY_START('od.day', 1)}
              AND LEAST(p.planned_end, COALESCE(p.closed_at, p.planned_end)) > ${DAY_START('od.day')})`;
/** Days heard, counted up to one more than "rarely" (all the list needs to judge). */
const ONLINE_DAYS = (m: string) =>
  `(SELECT count(*)::int FROM (SELECT 1 FROM ${HEARD_DAYS(m)} LIMIT ${RARELY_ONLINE_MAX_DAYS + 1}) h)`;
const ONLINE_DAYS_WITHOUT_PERMIT = (m: string) =>
  `(SELECT count(*)::int FROM ${HEARD_DAYS(m)} AND NOT ${PERMIT_ON_DAY(m)})`;
/** Arcs are recorded with the grant that allowed them; one without a grant is welding the platform did not allow. */
const ARCS_WITHOUT_GRANT = (m: string) =>
  `(SELECT count(*)::int FROM arcs a WHERE a.machine_id = ${m}.id AND a.started_at >= :from AND a.grant_id IS NULL)`;
const LAST_ARC_WITHOUT_GRANT = (m: string) =>
  `(SELECT max(a.started_at) FROM arcs a WHERE a.machine_id = ${m}.id AND a.started_at >= :from AND a.grant_id IS NULL)`;

const ENTERPRISE_COLUMNS = `e.id AS enterprise_id, e.name AS enterprise_name, e.industry AS industry,
  e.region_code AS region_code, rg.name AS region_name`;

/** Machines on the silent list: no chip, or a chip bound before the look-back never or rarely heard since. */
const SILENT_ROWS = (where: string) => `
  SELECT m.id AS machine_id, m.enterprise_id AS row_enterprise_id, m.name AS machine_name, m.manufacturer, m.model,
         m.serial_number, m.chip_id, c.bound_at, c.last_seen_at,
         CASE WHEN m.chip_id IS NULL THEN 'unchipped' WHEN c.last_seen_at IS NULL THEN 'never_online' ELSE 'rarely_online' END AS reason,
         CASE WHEN c.chip_id IS NULL OR NOT (c.bound_at < :from) THEN NULL WHEN c.last_seen_at IS NULL OR c.last_seen_at < :from THEN 0
              ELSE ${ONLINE_DAYS('m')} END AS online_days,
         c.bound_at < :from AS bound_before
    FROM machines m
    -- LATERAL … LIMIT 1: one index probe per machine, also when the ranking runs this per enterprise
    LEFT JOIN LATERAL (SELECT c.chip_id, c.bound_at, c.last_seen_at FROM chips c
                        WHERE c.machine_id = m.id AND c.chip_id = m.chip_id LIMIT 1) c ON TRUE
   WHERE m.status <> 'retired' AND ${where}`;
const SILENT_SUSPECT = `(s.reason = 'unchipped' OR (s.bound_before AND (s.reason = 'never_online' OR s.online_days <= ${RARELY_ONLINE_MAX_DAYS})))`;

const UNPERMITTED_ROWS = (where: string) => `
  SELECT m.id AS machine_id, m.enterprise_id AS row_enterprise_id, m.name AS machine_name, m.serial_number, m.chip_id,
         ${ONLINE_DAYS_WITHOUT_PERMIT('m')} AS online_days_without_permit,
         ${ARCS_WITHOUT_GRANT('m')} AS arcs_without_grant,
         ${LAST_ARC_WITHOUT_GRANT('m')} AS last_arc_without_grant_at
    FROM machines m
   WHERE m.status <> 'retired' AND ${where}`;
const UNPERMITTED_SUSPECT = `(s.online_days_without_permit > 0 OR s.arcs_without_grant > 0)`;

const MACHINE_COUNT_OF = (id: string) =>
  `(SELECT count(*)::int FROM machines m WHERE m.enterprise_id = ${id} AND m.status <> 'retired')`;
/** Active welders employed by the enterprise `id`, and those of other employers engaged with it today. */
const WELDER_COUNT_OF = (
  id: string,
) => `((SELECT count(*)::int FROM welders w WHERE w.employer_id = ${id} AND w.status = 'active')
  + (SELECT count(*)::int FROM welder_engagements g JOIN welders w ON w.id = g.welder_id
      WHERE g.enterprise_id = ${id} AND w.status = 'active' AND w.employer_id <> ${id}
        AND g.starts_on <= :today AND (g.ends_on IS NULL OR g.ends_on >= :today)))`;
const HAS_WELDER = (
  id: string,
) => `(EXISTS (SELECT 1 FROM welders w WHERE w.employer_id = ${id} AND w.status = 'active')
  OR EXISTS (SELECT 1 FROM welder_engagements g JOIN welders w ON w.id = g.welder_id
      WHERE g.enterprise_id = ${id} AND w.status = 'active'
        AND g.starts_on <= :today AND (g.ends_on IS NULL OR g.ends_on >= :today)))`;

/**
 * Enterprises of a welding-heavy industry, in business, with no machine or no welder registered (judged by
 * EXISTS; the counts are shown for the page's rows only).
 */
const EMPTY_ENTERPRISE_ROWS = (where: string) => `
  SELECT x.id AS row_enterprise_id, x.address,
         EXISTS (SELECT 1 FROM machines m WHERE m.enterprise_id = x.id AND m.status <> 'retired') AS has_machines,
         ${HAS_WELDER('x.id')} AS has_welders
    FROM enterprises x
   WHERE x.status = 'active' AND x.industry IN (:...heavy) AND ${where}`;
const EMPTY_SUSPECT = `(NOT s.has_machines OR NOT s.has_welders)`;

/** Active welders by their employer, with the welders module's verdict on their best welding certificate. */
const WELDER_ROWS = (where: string) => `
  SELECT w.id AS welder_id, w.employer_id AS row_enterprise_id, w.real_name AS welder_name, w.id_number_masked,
         ${welderCertificateStateSql('w')} AS certificate_state
    FROM welders w
   WHERE w.status = 'active' AND ${where}`;
const UNCERTIFIED_SUSPECT = `s.certificate_state NOT IN ('valid', 'expiring_90d')`;

const VALIDITY = certificateValiditySql('c', 'CAST(:today AS date)');
/**
 * Welding certificates of active welders whose review window (复审) has opened or whose review is
 * overdue, judged by certificateValiditySql. `c.status = 'valid'` only lets the planner use
 * certificates_review_due_idx: the rule already refuses suspended and revoked certificates.
 */
const REVIEW_ROWS = (where: string) => `
  SELECT c.id AS certificate_id, w.id AS welder_id, w.employer_id AS row_enterprise_id, w.real_name AS welder_name,
         c.issued_on::text AS issued_on, c.review_due_on::text AS review_due_on, c.expires_on::text AS expires_on,
         CASE WHEN ${VALIDITY} = 'review_overdue' THEN 'overdue' ELSE 'due' END AS review_state
    FROM certificates c
    JOIN welders w ON w.id = c.welder_id
   WHERE c.status = 'valid' AND c.review_due_on <= :reviewHorizon AND c.category = :welding
     AND w.status = 'active' AND ${VALIDITY} IN ('valid', 'unverified', 'review_overdue') AND ${where}`;

/**
 * Permits that ended in the look-back with no arc under them, while one of their machines arced inside the
 * permit's window under no grant of this permit (without a grant, or under another permit): the work was
 * declared here and done elsewhere. Ended: closed, or its planned end passed. One row per (permit, machine).
 */
const PERMIT_END = `LEAST(p.planned_end, COALESCE(p.closed_at, p.planned_end))`;
const IDLE_PERMIT_ROWS = (where: string) => `
  SELECT p.id AS permit_id, p.enterprise_id AS row_enterprise_id, p.work_description, p.site_address, p.planned_start,
         ${PERMIT_END} AS ended_at, m.id AS machine_id, m.name AS machine_name, x.n AS arcs_elsewhere, x.first_at AS first_arc_elsewhere_at
    FROM permits p
    JOIN permit_machines pm ON pm.permit_id = p.id
    JOIN machines m ON m.id = pm.machine_id
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n, min(a.started_at) AS first_at FROM arcs a
       WHERE a.machine_id = pm.machine_id AND a.started_at >= p.planned_start AND a.started_at < ${PERMIT_END}
         AND a.permit_id IS DISTINCT FROM p.id) x
   WHERE p.approved_at IS NOT NULL AND p.status IN ('approved', 'closed')
     AND p.planned_end >= :from AND ${PERMIT_END} >= :from AND ${PERMIT_END} < :now
     AND p.first_arc_at IS NULL AND NOT EXISTS (SELECT 1 FROM arcs a WHERE a.permit_id = p.id)
     AND ${where}`;
const IDLE_SUSPECT = `s.arcs_elsewhere > 0`;

/** Public reports that named an enterprise, except those found untrue. */
const REPORT_ROWS = (where: string) => `
  SELECT r.id AS report_id, r.enterprise_id AS row_enterprise_id, r.tracking_code, r.status, left(r.description, 300) AS description,
         r.address, r.created_at AS reported_at
    FROM reports r
   WHERE r.status <> 'rejected' AND r.created_at >= :reportsFrom AND ${where}`;

/** Machines inspectors found on site with no code (the inspections module's on-site records), in the last year. */
const UNREGISTERED_FOUND_ROWS = (where: string) => `
  SELECT u.id AS finding_id, u.enterprise_id AS row_enterprise_id, left(u.description, 300) AS description,
         u.hazard_id, u.photo_count, u.found_at
    FROM inspection_unregistered_machines u
   WHERE u.found_at >= :reportsFrom AND ${where}`;

const FOR_ENTERPRISE = (col: string) => `${col} = e.id`;

/** Count of one list's suspect rows for the enterprise `e` of the ranking. */
const countOf = (rows: (where: string) => string, col: string, suspect: string) =>
  `(SELECT count(*)::int FROM (${rows(FOR_ENTERPRISE(col))}) s WHERE ${suspect})`;

/** The ranking's signals as SQL counts per enterprise `e`, each from its list's own definition. */
const SIGNAL_SQL: Record<RankingSignal, string> = {
  unchipped_machines: countOf(SILENT_ROWS, 'm.enterprise_id', `s.reason = 'unchipped'`),
  silent_machines: countOf(SILENT_ROWS, 'm.enterprise_id', `s.reason <> 'unchipped' AND ${SILENT_SUSPECT}`),
  online_days_without_permit: `(SELECT COALESCE(sum(s.online_days_without_permit), 0)::int FROM (${UNPERMITTED_ROWS(FOR_ENTERPRISE('m.enterprise_id'))}) s)`,
  arcs_without_grant: `(SELECT COALESCE(sum(s.arcs_without_grant), 0)::int FROM (${UNPERMITTED_ROWS(FOR_ENTERPRISE('m.enterprise_id'))}) s)`,
  no_machines: countOf(EMPTY_ENTERPRISE_ROWS, 'x.id', 'NOT s.has_machines'),
  no_welders: countOf(EMPTY_ENTERPRISE_ROWS, 'x.id', 'NOT s.has_welders'),
  uncertified_welders: countOf(WELDER_ROWS, 'w.employer_id', UNCERTIFIED_SUSPECT),
  review_due_certificates: countOf(REVIEW_ROWS, 'w.employer_id', 'TRUE'),
  idle_permits: `(SELECT count(DISTINCT s.permit_id)::int FROM (${IDLE_PERMIT_ROWS(FOR_ENTERPRISE('p.enterprise_id'))}) s WHERE ${IDLE_SUSPECT})`,
  public_reports: countOf(REPORT_ROWS, 'r.enterprise_id', 'TRUE'),
  unregistered_machines_found: countOf(UNREGISTERED_FOUND_ROWS, 'u.enterprise_id', 'TRUE'),
};

/**
 * The machine signals as counted from the stored lists (storeList, run first in the same transaction):
 * the same suspects as SIGNAL_SQL judges, per enterprise by the tables' enterprise index.
 */
const STORED_SIGNAL_SQL: Partial<Record<RankingSignal, string>> = {
  unchipped_machines: `(SELECT count(*)::int FROM off_platform_silent_machines s WHERE s.enterprise_id = e.id AND s.reason = 'unchipped')`,
  silent_machines: `(SELECT count(*)::int FROM off_platform_silent_machines s WHERE s.enterprise_id = e.id AND s.reason <> 'unchipped')`,
  online_days_without_permit: `(SELECT COALESCE(sum(s.online_days_without_permit), 0)::int FROM off_platform_unpermitted_machines s WHERE s.enterprise_id = e.id)`,
  arcs_without_grant: `(SELECT COALESCE(sum(s.arcs_without_grant), 0)::int FROM off_platform_unpermitted_machines s WHERE s.enterprise_id = e.id)`,
};

/** One suspect list: its rows, the predicate that makes a row a suspect, and its order. */
interface ListDef {
  rows: (where: string) => string;
  suspect: string;
  orderBy: [string, 'ASC' | 'DESC'][];
  /** Columns only shown, computed for the rows of the page alone (after the order and the limit). */
  late?: string;
}

export const LIST_DEFS = {
  'silent-machines': {
    rows: SILENT_ROWS,
    suspect: SILENT_SUSPECT,
    orderBy: [
      ['s.reason', 'DESC'],
      ['s.enterprise_name', 'ASC'],
      ['s.machine_name', 'ASC'],
      ['s.machine_id', 'ASC'],
    ],
  },
  'unpermitted-machines': {
    rows: UNPERMITTED_ROWS,
    suspect: UNPERMITTED_SUSPECT,
    orderBy: [
      ['s.arcs_without_grant', 'DESC'],
      ['s.online_days_without_permit', 'DESC'],
      ['s.machine_id', 'ASC'],
    ],
  },
  'empty-enterprises': {
    rows: EMPTY_ENTERPRISE_ROWS,
    suspect: EMPTY_SUSPECT,
    orderBy: [
      ['s.has_machines', 'ASC'],
      ['s.has_welders', 'ASC'],
      ['s.enterprise_name', 'ASC'],
      ['s.enterprise_id', 'ASC'],
    ],
    late: `${MACHINE_COUNT_OF('s.enterprise_id')} AS machines, ${WELDER_COUNT_OF('s.enterprise_id')} AS welders`,
  },
  'uncertified-welders': {
    rows: WELDER_ROWS,
    suspect: UNCERTIFIED_SUSPECT,
    orderBy: [
      ['s.enterprise_name', 'ASC'],
      ['s.welder_name', 'ASC'],
      ['s.welder_id', 'ASC'],
    ],
    // Evidence of still welding, for the page's rows only.
    late: `(SELECT max(gr.issued_at) FROM grants gr WHERE gr.welder_id = s.welder_id) AS last_grant_at,
      (SELECT max(p.planned_start) FROM permit_welders pw JOIN permits p ON p.id = pw.permit_id WHERE pw.welder_id = s.welder_id) AS last_permit_start`,
  },
  'review-due-certificates': {
    rows: REVIEW_ROWS,
    suspect: 'TRUE',
    orderBy: [
      ['s.review_due_on', 'ASC'],
      ['s.certificate_id', 'ASC'],
    ],
  },
  'idle-permits': {
    rows: IDLE_PERMIT_ROWS,
    suspect: IDLE_SUSPECT,
    orderBy: [
      ['s.ended_at', 'DESC'],
      ['s.permit_id', 'ASC'],
      ['s.machine_id', 'ASC'],
    ],
  },
  'reported-enterprises': {
    rows: REPORT_ROWS,
    suspect: 'TRUE',
    orderBy: [
      ['s.reported_at', 'DESC'],
      ['s.report_id', 'ASC'],
    ],
  },
  'found-unregistered-machines': {
    rows: UNREGISTERED_FOUND_ROWS,
    suspect: 'TRUE',
    orderBy: [
      ['s.found_at', 'DESC'],
      ['s.finding_id', 'ASC'],
    ],
  },
} satisfies Record<Exclude<AuditList, 'ranking'>, ListDef>;
export type SuspectList = keyof typeof LIST_DEFS;

/**
 * The lists that judge every machine of the scope, whatever the number of suspects (1.0–1.2 s at province
 * size): for the default look-back they are judged with the ranking's signals and stored, each in its table
 * (migration 1796900007000), with the enterprise's region path; their pages read the table.
 */
export const STORED_LISTS = {
  'silent-machines': 'off_platform_silent_machines',
  'unpermitted-machines': 'off_platform_unpermitted_machines',
} as const satisfies Partial<Record<SuspectList, string>>;
export type StoredList = keyof typeof STORED_LISTS;
export const isStoredList = (list: string): list is StoredList => Object.hasOwn(STORED_LISTS, list);

const SCORE = RANKING_SIGNALS.map(
  (sig) => `LEAST(s.${sig} * ${RANKING_WEIGHTS[sig].points}, ${RANKING_WEIGHTS[sig].cap})`,
).join(' + ');

/** The suspect lists and the ranking, read-only, every statement scoped by the caller's enterprises. */
@Injectable()
export class OffPlatformRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessPolicy,
  ) {}

  private params(w: AuditWindow) {
    return {
      from: w.from,
      now: w.now,
      fromDay: w.fromDay,
      reportsFrom: w.reportsFrom,
      reviewHorizon: addDays(w.today, REVIEW_WINDOW_DAYS),
      heavy: [...WELDING_HEAVY_INDUSTRIES],
      ...welderCertificateStateParams(w.today),
    };
  }

  /** Narrows `qb` (which joins enterprises as `e`) to the caller's scope, a region and an industry. */
  private scoped<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    f: AuditFilter,
  ): SelectQueryBuilder<T> {
    return this.filtered(this.access.scopeToEnterprises(qb, actor, 'e'), f, 'e');
  }

  /** A region and an industry filter on `alias`, which has the enterprise's region_path and industry. */
  private filtered<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, f: AuditFilter, alias: string) {
    if (f.regionCode)
      qb.andWhere(`${alias}.region_path LIKE (SELECT fr.path FROM regions fr WHERE fr.code = :filterRegion) || '%'`, {
        filterRegion: f.regionCode,
      });
    if (f.industry) qb.andWhere(`${alias}.industry = :industry`, { industry: f.industry });
    return qb;
  }

  /**
   * The suspects of one list: the rows of the enterprises in scope, judged once each (the OFFSET 0 keeps
   * the judging columns from being computed twice), then the suspects of them paged, with their total.
   * Without an actor: every enterprise's (to store them).
   */
  private suspects(list: SuspectList, actor: Actor | null, f: AuditFilter, w: AuditWindow): SelectQueryBuilder<Row> {
    const def: ListDef = LIST_DEFS[list];
    const judged = this.ds
      .createQueryBuilder()
      .select(ENTERPRISE_COLUMNS)
      .addSelect('e.region_path', 'region_path')
      .addSelect('r.*')
      .from(`(${def.rows('TRUE')})`, 'r')
      .innerJoin('enterprises', 'e', 'e.id = r.row_enterprise_id')
      .innerJoin('regions', 'rg', 'rg.code = e.region_code');
    const inner = actor ? this.scoped(judged, actor, f) : judged;
    const qb = this.ds
      .createQueryBuilder()
      .select('s.*')
      .from(`(${inner.getQuery()} OFFSET 0)`, 's')
      .where(def.suspect)
      .setParameters({ ...inner.getParameters(), ...this.params(w) }) as SelectQueryBuilder<Row>;
    return qb;
  }

  /** A page of a list's suspects with their total: judged now, or (`stored`) as last stored (storeLists). */
  async list(
    list: SuspectList,
    actor: Actor,
    f: AuditFilter,
    w: AuditWindow,
    page: Page,
    stored = false,
  ): Promise<{ rows: Row[]; total: number | CappedCount }> {
    if (stored && isStoredList(list)) {
      const rows = this.inOrder(this.stored(list, actor, f), list)
        .offset(page.offset)
        .limit(page.limit);
      const [found, total] = await Promise.all([this.run(rows), cappedCount(this.stored(list, actor, f))]);
      return { rows: found, total };
    }
    const rows = await this.run(this.ordered(list, actor, f, w, page));
    const total = rows.length ? Number(rows[0].total) : page.offset ? await this.count(list, actor, f, w) : 0;
    return { rows, total };
  }

  /**
   * Every suspect of a list in the list's order, as one statement for the streamed export (no page, no
   * total): judged now, or (`stored`) as last stored.
   */
  exportStatement(
    list: SuspectList | 'ranking',
    actor: Actor,
    f: AuditFilter,
    w: AuditWindow,
    stored = false,
  ): ExportStatement {
    const qb =
      list === 'ranking'
        ? this.rankingQuery(actor, f, w)
        : stored && isStoredList(list)
          ? // The workbook says when its rows were judged, from the same snapshot as the rows.
            this.inOrder(this.stored(list, actor, f), list).addSelect(
              '(SELECT counted_at FROM off_platform_signal_refreshes WHERE id = 1)',
              'judged_at',
            )
          : this.ordered(list, actor, f, w);
    const [sql, params] = qb.getQueryAndParameters();
    return { sql, params };
  }

  /**
   * A stored list's suspects in scope (the caller's, a region, an industry), judged by the enterprise as it is
   * now, not as it was stored: an enterprise moved to another region leaves its old regulator's scope at once.
   */
  private stored(list: StoredList, actor: Actor, f: AuditFilter): SelectQueryBuilder<Row> {
    const qb = this.ds
      .createQueryBuilder()
      .select('s.*')
      .from<Row>(STORED_LISTS[list], 's')
      .innerJoin('enterprises', 'e', 'e.id = s.enterprise_id');
    return this.scoped(qb, actor, f);
  }

  private inOrder(qb: SelectQueryBuilder<Row>, list: SuspectList): SelectQueryBuilder<Row> {
    for (const [col, dir] of LIST_DEFS[list].orderBy)
      qb.addOrderBy(col, dir, dir === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST');
    return qb;
  }

  /**
   * Replaces a stored list's rows by every enterprise's suspects judged for `w`, inside the signals'
   * transaction (readers see the previous rows until it commits). The table's columns name what is
   * stored; the judging statement must yield each of them.
   */
  private async storeList(em: EntityManager, list: StoredList, w: AuditWindow): Promise<void> {
    const table = STORED_LISTS[list];
    const columns: { column_name: string }[] = await em.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
        ORDER BY ordinal_position`,
      [table],
    );
    const names = columns.map((c) => c.column_name).join(', ');
    const [sql, params] = this.suspects(list, null, {}, w).select(names).getQueryAndParameters();
    await em.query(`DELETE FROM ${table}`);
    await em.query(`INSERT INTO ${table} (${names}) ${sql}`, params);
    // Statistics of the rows just written (ANALYZE sees this transaction's own): the signals are counted from
    // them next, in this transaction, before autovacuum could know the table has rows at all.
    await em.query(`ANALYZE ${table}`);
  }

  /** A list's suspects in its order, a page of them with their total when `page` is given. */
  private ordered(list: SuspectList, actor: Actor, f: AuditFilter, w: AuditWindow, page?: Page) {
    const def: ListDef = LIST_DEFS[list];
    const paged = this.suspects(list, actor, f, w);
    if (page) paged.addSelect('count(*) OVER ()', 'total').offset(page.offset).limit(page.limit);
    this.inOrder(paged, list);
    // The page first, then its late columns: they cost a probe per shown row, not per row judged.
    const qb = def.late
      ? this.ds
          .createQueryBuilder()
          .select('pg.*')
          .addSelect(def.late.replace(/\bs\./g, 'pg.'))
          .from(`(${paged.getQuery()})`, 'pg')
          .setParameters(paged.getParameters())
      : paged;
    if (def.late)
      for (const [col, dir] of def.orderBy)
        qb.addOrderBy(col.replace(/^s\./, 'pg.'), dir, dir === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST');
    return qb;
  }

  private async count(list: SuspectList, actor: Actor, f: AuditFilter, w: AuditWindow): Promise<number> {
    const qb = this.suspects(list, actor, f, w).select('count(*)::int', 'n');
    return Number((await this.run(qb))[0]?.n ?? 0);
  }

  /**
   * Enterprises in scope with a count per signal (each from its list's own definition, for that
   * enterprise), scored by RANKING_WEIGHTS; those with a score above zero, best first, paged.
   */
  async ranking(
    actor: Actor,
    f: AuditFilter,
    w: AuditWindow,
    page: Page,
    counted = false,
  ): Promise<{ rows: Row[]; total: number }> {
    const qb = this.rankingQuery(actor, f, w, counted).addSelect('count(*) OVER ()', 'total');
    const rows = await this.run(qb.offset(page.offset).limit(page.limit));
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && page.offset) {
      const [n] = await this.run(
        this.ds
          .createQueryBuilder()
          .select('count(*)::int', 'n')
          .from(`(SELECT ${SCORE} AS score FROM (${this.rankingInner(actor, f, counted).getQuery()} OFFSET 0) s)`, 't')
          .where('t.score > 0')
          .setParameters({ ...this.rankingInner(actor, f, counted).getParameters(), ...this.params(w) }),
      );
      total = Number(n?.n ?? 0);
    }
    return { rows, total };
  }

  /**
   * Enterprises in scope with a count per signal: counted now, or (`counted`) as the last refreshSignals
   * counted them for the default look-back (an enterprise added since has none yet: it is not ranked).
   */
  private rankingInner(actor: Actor, f: AuditFilter, counted = false): SelectQueryBuilder<ObjectLiteral> {
    const from = this.ds
      .createQueryBuilder()
      .select(ENTERPRISE_COLUMNS)
      .from('enterprises', 'e')
      .innerJoin('regions', 'rg', 'rg.code = e.region_code');
    if (counted) from.innerJoin('off_platform_signals', 'os', 'os.enterprise_id = e.id');
    const inner = this.scoped(from, actor, f);
    for (const sig of RANKING_SIGNALS) inner.addSelect(counted ? `os.${sig}` : SIGNAL_SQL[sig], sig);
    return inner;
  }

  /**
   * Counts every enterprise's signals for the window and replaces the stored ones, and the stored lists'
   * suspects, in one transaction (readers see the previous ones until it commits). Null when skipped: another replica is counting
   * (unless `waitForLock`), or the stored counts are younger than `minAgeMs`.
   */
  async refreshSignals(w: AuditWindow, minAgeMs: number, waitForLock = false): Promise<SignalRefresh | null> {
    const started = Date.now();
    const [select, params] = this.ds
      .createQueryBuilder()
      .select('e.id', 'enterprise_id')
      .from('enterprises', 'e')
      .addSelect(RANKING_SIGNALS.map((sig) => `${STORED_SIGNAL_SQL[sig] ?? SIGNAL_SQL[sig]} AS ${sig}`).join(', '))
      .setParameters(this.params(w))
      .getQueryAndParameters();
    return this.ds.transaction(async (em) => {
      if (!(await takeRecountLock((sql, p) => em.query(sql, p), SIGNALS_LOCK, waitForLock))) return null;
      const [last] = await em.query(`SELECT counted_at FROM off_platform_signal_refreshes WHERE id = 1`);
      // minAgeMs 0 (forced): count whatever the stored count's age, also one stamped ahead of this clock.
      if (last && minAgeMs > 0 && w.now.getTime() - new Date(last.counted_at).getTime() < minAgeMs) return null;
      // The machines first: their signals are then counted from the stored suspects, not judged twice.
      for (const list of Object.keys(STORED_LISTS) as StoredList[]) await this.storeList(em, list, w);
      await em.query(`DELETE FROM off_platform_signals`);
      await em.query(
        `INSERT INTO off_platform_signals (enterprise_id, ${RANKING_SIGNALS.join(', ')}) ${select}`,
        params,
      );
      const tookMs = Date.now() - started;
      await em.query(
        `INSERT INTO off_platform_signal_refreshes (id, counted_at, days, took_ms) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET counted_at = EXCLUDED.counted_at, days = EXCLUDED.days, took_ms = EXCLUDED.took_ms`,
        [w.now, w.days, tookMs],
      );
      return { countedAt: w.now, days: w.days, tookMs };
    });
  }

  /** When the stored signals were counted, for how many days of look-back, and how long it took. */
  async lastSignalRefresh(): Promise<SignalRefresh | null> {
    const [r] = await this.ds.query(`SELECT counted_at, days, took_ms FROM off_platform_signal_refreshes WHERE id = 1`);
    return r ? { countedAt: new Date(r.counted_at), days: r.days, tookMs: r.took_ms } : null;
  }

  /** Those enterprises scored, with a score above zero, best first (no page). */
  private rankingQuery(
    actor: Actor,
    f: AuditFilter,
    w: AuditWindow,
    counted = false,
  ): SelectQueryBuilder<ObjectLiteral> {
    const inner = this.rankingInner(actor, f, counted);
    return this.ds
      .createQueryBuilder()
      .select('t.*')
      .addSelect('rank() OVER (ORDER BY t.score DESC)', 'rank')
      .from(`(SELECT s.*, ${SCORE} AS score FROM (${inner.getQuery()} OFFSET 0) s)`, 't')
      .where('t.score > 0')
      .orderBy('t.score', 'DESC')
      .addOrderBy('t.enterprise_name', 'ASC')
      .addOrderBy('t.enterprise_id', 'ASC')
      .setParameters({ ...inner.getParameters(), ...this.params(w) });
  }

  /** A list's statement (JIT is off for every connection of the app: common/cpu/session-options.ts). */
  private run<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<Row[]> {
    const [sql, params] = qb.getQueryAndParameters();
    return this.ds.query<Row[]>(sql, params);
  }

  /** Industries recorded by the enterprises in scope (for the filter), at most 500. */
  async industries(actor: Actor): Promise<string[]> {
    const qb = this.ds.createQueryBuilder().select('DISTINCT e.industry', 'industry').from('enterprises', 'e');
    this.access.scopeToEnterprises(qb, actor, 'e');
    const rows: { industry: string }[] = await qb.orderBy('industry', 'ASC').limit(500).getRawMany();
    return rows.map((r) => r.industry);
  }
}
