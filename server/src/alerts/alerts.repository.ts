import { CappedCount, cappedCount } from '../common/http/capped-count';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../access/actor';
import { ReportingPool } from '../database/reporting-pool';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { Alert } from './alert.entity';
import { AlertScope } from './alert-scope';
import { AlertSeverity, AlertState, AlertType, severityRankSql } from './alert-type';
import { AlertContext, contextOf, withContext } from './alert-context';

export interface AlertFilters {
  type?: AlertType;
  /** Any of these types (a report over a family of alerts, e.g. off-platform operation). */
  types?: readonly AlertType[];
  severity?: AlertSeverity;
  state?: AlertState;
  notClosed?: boolean;
  enterpriseId?: string;
  machineId?: string;
  /** A region's path: alerts of enterprises in its subtree. */
  regionPath?: string;
  from?: Date;
  to?: Date;
}

export interface NewAlertRow {
  type: AlertType;
  severity: AlertSeverity;
  enterpriseId: string | null;
  regionPath: string | null;
  machineId: string | null;
  welderId: string | null;
  permitId: string | null;
  chipId: string | null;
  evidence: Record<string, unknown>;
  dedupeKey: string | null;
  occurredAt: Date;
  /** Occurrences this write stands for (repeats aggregated by the caller); 1 normally. */
  occurrences: number;
  /** First of those occurrences; null: occurredAt. */
  firstOccurredAt: Date | null;
}

/** An alert with who, which machine and where. */
export interface AlertWithContext {
  alert: Alert;
  context: AlertContext;
}

export interface UpsertResult {
  id: string;
  inserted: boolean;
  count: number;
  /** The row's severity after the upsert (a repeat may have raised it). */
  severity: AlertSeverity;
}

@Injectable()
export class AlertsRepository {
  constructor(
    @InjectRepository(Alert) private readonly repo: Repository<Alert>,
    private readonly scope: AlertScope,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
    private readonly reporting: ReportingPool,
  ) {}

  enterpriseScopeRef(em: EntityManager, id: string): Promise<Pick<Enterprise, 'id' | 'regionPath'> | null> {
    return this.enterpriseLookup.findById(id, em);
  }

  /**
   * Inserts a new alert or, when a not-closed alert with the same dedupe key exists, bumps its count
   * (by the occurrences the write stands for) and last-seen time and escalates its severity. Atomic under concurrency: the partial unique index
   * alerts_open_dedupe_key makes a concurrent second insert wait and turn into the update.
   * The proposed row is checked (last_seen_at >= first_seen_at) before it turns into the update, so its two
   * times are ordered here: a caller's "first" later than its "occurred" (repeats raised out of order) must
   * not make the write fail again on every retry.
   */
  async upsertRaised(em: EntityManager, r: NewAlertRow): Promise<UpsertResult> {
    const rows: UpsertResult[] = await em.query(
      `INSERT INTO alerts (type, severity, state, enterprise_id, region_path, machine_id, welder_id, permit_id, chip_id, evidence, dedupe_key, count, first_seen_at, last_seen_at)
       VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $12::int, LEAST($13::timestamptz, $11::timestamptz), GREATEST($13::timestamptz, $11::timestamptz))
       ON CONFLICT (dedupe_key) WHERE state <> 'closed' DO UPDATE SET
         count = alerts.count + EXCLUDED.count,
         first_seen_at = LEAST(alerts.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(alerts.last_seen_at, EXCLUDED.last_seen_at),
         last_evidence = EXCLUDED.evidence,
         severity = CASE WHEN ${severityRankSql('EXCLUDED.severity')} > ${severityRankSql('alerts.severity')} THEN EXCLUDED.severity ELSE alerts.severity END,
         updated_at = now()
       RETURNING id, (xmax = 0) AS inserted, count, severity`,
      [
        r.type,
        r.severity,
        r.enterpriseId,
        r.regionPath,
        r.machineId,
        r.welderId,
        r.permitId,
        r.chipId,
        JSON.stringify(r.evidence),
        r.dedupeKey,
        r.occurredAt,
        r.occurrences,
        r.firstOccurredAt,
      ],
    );
    return rows[0];
  }

  /** Row-locked for a state change; no join, since FOR UPDATE cannot lock the outer side of a join. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<Alert | null> {
    return em
      .getRepository(Alert)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.id = :id', { id })
      .getOne();
  }

  async findNotClosedIdByDedupeKey(em: EntityManager, key: string): Promise<string | null> {
    const row = await em
      .getRepository(Alert)
      .createQueryBuilder('a')
      .select('a.id', 'id')
      .where('a.dedupe_key = :key', { key })
      .andWhere("a.state <> 'closed'")
      .getRawOne<{ id: string }>();
    return row?.id ?? null;
  }

  /** Whether an alert with this key was ever raised, closed ones included. */
  async statesOf(ids: string[]): Promise<Map<string, AlertState>> {
    if (!ids.length) return new Map();
    const rows = await this.repo
      .createQueryBuilder('a')
      .select(['a.id', 'a.state'])
      .where('a.id IN (:...ids)', { ids })
      .getMany();
    return new Map(rows.map((r) => [r.id, r.state]));
  }

  async openCounts(where: {
    enterpriseId?: string;
    regionPath?: string;
  }): Promise<{ type: AlertType; severity: AlertSeverity; count: number }[]> {
    const qb = this.repo
      .createQueryBuilder('a')
      .select('a.type', 'type')
      .addSelect('a.severity', 'severity')
      .addSelect('count(*)::int', 'count')
      .where('a.state <> :closed', { closed: AlertState.Closed })
      .groupBy('a.type')
      .addGroupBy('a.severity');
    if (where.enterpriseId) qb.andWhere('a.enterprise_id = :eid', { eid: where.enterpriseId });
    if (where.regionPath) qb.andWhere('a.region_path LIKE :rp', { rp: `${where.regionPath}%` });
    return qb.getRawMany<{ type: AlertType; severity: AlertSeverity; count: number }>();
  }

  /** Which of these dedupe keys an alert (open or closed) already has: one statement for a whole scan's batch. */
  async existingDedupeKeys(keys: string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const rows = await this.repo
      .createQueryBuilder('a')
      .select('DISTINCT a.dedupe_key', 'key')
      .where('a.dedupe_key = ANY(:keys)', { keys })
      .getRawMany<{ key: string }>();
    return new Set(rows.map((r) => r.key));
  }

  async saveState(em: EntityManager, alert: Alert): Promise<void> {
    await em.getRepository(Alert).update(
      { id: alert.id },
      {
        state: alert.state,
        acknowledgedBy: alert.acknowledgedBy,
        acknowledgedAt: alert.acknowledgedAt,
        acknowledgeNote: alert.acknowledgeNote,
        closedBy: alert.closedBy,
        closedAt: alert.closedAt,
        closeNote: alert.closeNote,
      },
    );
  }

  /** Newest activity first, with context (one query for the page, one for the total). */
  async listScoped(
    actor: Actor,
    f: AlertFilters,
    offset: number,
    limit: number,
  ): Promise<[AlertWithContext[], CappedCount]> {
    const page = withContext(this.scoped(actor, f).leftJoinAndSelect('a.enterprise', 'e'))
      .orderBy('a.last_seen_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .offset(offset)
      .limit(limit);
    // Capped: a province's half a million alerts are not counted exactly on every page (issue 19).
    const [rows, total] = await Promise.all([page.getRawAndEntities(), cappedCount(this.scoped(actor, f))]);
    return [pairWithContext(rows), total];
  }

  /** The export's one statement (ALERT_EXPORT's row): the list's scope, filters and order, read through a cursor. */
  exportStatement(actor: Actor, f: AlertFilters): [string, unknown[]] {
    const qb = this.scoped(actor, f).leftJoin('a.enterprise', 'e').select([]);
    return withContext(qb)
      .addSelect('a.type', 'type')
      .addSelect('a.severity', 'severity')
      .addSelect('a.state', 'state')
      .addSelect('e.name', 'enterpriseName')
      .addSelect('a.chip_id', 'chipId')
      .addSelect('a.count', 'count')
      .addSelect('a.first_seen_at', 'firstSeenAt')
      .addSelect('a.last_seen_at', 'lastSeenAt')
      .addSelect('a.close_note', 'closeNote')
      .addSelect('a.acknowledge_note', 'acknowledgeNote')
      .orderBy('a.last_seen_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .getQueryAndParameters();
  }

  /** One alert with context, whoever asks (callers check visibility). */
  async findWithContext(id: string, em?: EntityManager): Promise<AlertWithContext | null> {
    const qb = (em ?? this.repo.manager).getRepository(Alert).createQueryBuilder('a');
    const rows = await withContext(qb.leftJoinAndSelect('a.enterprise', 'e'))
      .where('a.id = :id', { id })
      .getRawAndEntities();
    return pairWithContext(rows)[0] ?? null;
  }

  /** Context of many alerts in one query (for read models that select alerts themselves). */
  async contextsOf(ids: string[]): Promise<Map<string, AlertContext>> {
    if (!ids.length) return new Map();
    const rows = await withContext(this.repo.createQueryBuilder('a').leftJoinAndSelect('a.enterprise', 'e'))
      .where('a.id IN (:...ids)', { ids })
      .getRawAndEntities();
    return new Map(pairWithContext(rows).map((r) => [r.alert.id, r.context]));
  }

  /** Open alerts in scope raised or repeated after `since` (all open ones when null). */
  countOpenSince(actor: Actor, since: Date | null): Promise<number> {
    const qb = this.scoped(actor, { state: AlertState.Open });
    if (since) qb.andWhere('a.last_seen_at > :since', { since });
    return qb.getCount();
  }

  async seenMark(userId: string): Promise<Date | null> {
    const rows: { seen_at: Date }[] = await this.repo.query(`SELECT seen_at FROM alert_seen_marks WHERE user_id = $1`, [
      userId,
    ]);
    return rows[0]?.seen_at ?? null;
  }

  /** Moves the user's mark forward only: a late request from another tab cannot bring back seen alerts. */
  async markSeen(userId: string, at: Date): Promise<void> {
    await this.repo.query(
      `INSERT INTO alert_seen_marks (user_id, seen_at) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET seen_at = GREATEST(alert_seen_marks.seen_at, EXCLUDED.seen_at)`,
      [userId, at],
    );
  }

  /** Not-closed and closed alerts by type, state and severity: the summary's one statement, on the reporting pool. */
  countByTypeStateSeverity(
    actor: Actor,
    f: AlertFilters,
  ): Promise<{ type: AlertType; state: AlertState; severity: AlertSeverity; count: number }[]> {
    return this.reporting.rows(
      this.scoped(actor, f)
        .select('a.type', 'type')
        .addSelect('a.state', 'state')
        .addSelect('a.severity', 'severity')
        .addSelect('count(*)::int', 'count')
        .groupBy('a.type')
        .addGroupBy('a.state')
        .addGroupBy('a.severity'),
    );
  }

  private scoped(actor: Actor, f: AlertFilters): SelectQueryBuilder<Alert> {
    const qb = this.repo.createQueryBuilder('a');
    this.scope.apply(qb, actor, 'a');
    if (f.type) qb.andWhere('a.type = :type', { type: f.type });
    if (f.types) qb.andWhere('a.type IN (:...types)', { types: [...f.types] });
    if (f.severity) qb.andWhere('a.severity = :severity', { severity: f.severity });
    if (f.state) qb.andWhere('a.state = :state', { state: f.state });
    // IN, not <> 'closed': alerts_state_region_idx serves it (most alerts of a province are closed).
    if (f.notClosed) qb.andWhere(`a.state IN ('open', 'acknowledged')`);
    if (f.enterpriseId) qb.andWhere('a.enterprise_id = :enterpriseId', { enterpriseId: f.enterpriseId });
    if (f.machineId) qb.andWhere('a.machine_id = :machineId', { machineId: f.machineId });
    if (f.regionPath) qb.andWhere('a.region_path LIKE :filterRegionPath', { filterRegionPath: `${f.regionPath}%` });
    // A period selects alerts active in it: seen at or after `from`, first seen before `to`.
    if (f.from) qb.andWhere('a.last_seen_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.first_seen_at < :to', { to: f.to });
    return qb;
  }
}

/** Pairs each entity with its raw row's context (matched by id: the joins are to-one, so rows and entities align). */
function pairWithContext({ entities, raw }: { entities: Alert[]; raw: Record<string, unknown>[] }): AlertWithContext[] {
  const byId = new Map(raw.map((r) => [r.a_id as string, r]));
  return entities.map((alert) => ({ alert, context: contextOf(byId.get(alert.id) ?? {}) }));
}
