import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { AlertBus } from './alert-bus';
import { AlertHooks } from './alert-hooks';
import { AlertScope } from './alert-scope';
import { ALERT_TYPES, AlertSeverity, AlertState, AlertType } from './alert-type';
import { alertAuditSnapshot, AlertView, toAlertView } from './alert.view';
import { Alert } from './alert.entity';
import { AlertFilters, AlertsRepository } from './alerts.repository';
import { ListAlertsQueryDto } from './dto/list-alerts.query';
import { AlertSummary, emptySummary } from './alert-summary';
import { sanitizeEvidence } from './evidence';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { ALERT_EXPORT, AlertExportRow, OFF_PLATFORM_ALERT_EXPORT } from './alert-export';
import type { QueryExportSpec } from '../common/sheets/export-stream';
import { ExportedStream, QueryExportService } from '../exports/query-export.service';
import { UnseenAlertsView } from './dto/list-alerts.query';

/** What a module reports when it raises an alert. */
export type RaiseAlertInput = {
  type: AlertType;
  /** Defaults to the type's severity in ALERT_TYPES. */
  severity?: AlertSeverity;
  /** Null for an unregistered device; otherwise the region is copied from the enterprise. */
  enterpriseId?: string | null;
  machineId?: string | null;
  welderId?: string | null;
  permitId?: string | null;
  chipId?: string | null;
  /** Shown to the enterprise and regulators: pass masked personal data (it is masked again here). */
  evidence: Record<string, unknown>;
  /** At most one not-closed alert per key; a repeat bumps count and lastSeenAt. */
  dedupeKey?: string;
  /** When it happened on the device; defaults to now. With occurrences > 1: the latest of them. */
  occurredAt?: Date;
  /** How many occurrences this raise stands for (an aggregated write of repeats); default 1. */
  occurrences?: number;
  /** With occurrences > 1: when the first of them happened. */
  firstOccurredAt?: Date;
};

const PG_DEADLOCK = '40P01';
const MAX_DEDUPE_KEY = 200;

@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly scope: AlertScope,
    private readonly bus: AlertBus,
    private readonly hooks: AlertHooks,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    private readonly exporter: QueryExportService,
  ) {}

  /**
   * Records an alert (or bumps the open one with the same dedupe key), audits a new one as the system and
   * announces it live once the transaction commits. With `em`, it joins the caller's transaction;
   * call it before the caller's own audited writes there, so lock order matches other raises.
   */
  async raise(input: RaiseAlertInput, em?: EntityManager): Promise<AlertView> {
    if (em)
      return em.queryRunner?.isTransactionActive
        ? this.raiseIn(em, input)
        : em.transaction((tx) => this.raiseIn(tx, input));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ds.transaction((tx) => this.raiseIn(tx, input));
      } catch (e) {
        // Concurrent raises that also append to the audit chain can deadlock; PostgreSQL aborts one, which simply retries.
        if ((e as { driverError?: { code?: string } }).driverError?.code !== PG_DEADLOCK || attempt >= 3) throw e;
      }
    }
  }

  /** Closes the not-closed alert with this key, as the system (e.g. the condition has cleared). Null when there is none. */
  async closeByDedupeKey(dedupeKey: string, note: string, em?: EntityManager): Promise<AlertView | null> {
    const run = async (tx: EntityManager) => {
      const id = await this.alerts.findNotClosedIdByDedupeKey(tx, dedupeKey);
      // Closed by someone between the lookup and the lock: nothing left to close, and not the caller's error
      // (a rectification must not fail because a regulator closed its overdue alert at the same moment).
      const alert = id ? await this.alerts.findByIdForUpdate(tx, id) : null;
      return alert && alert.state !== AlertState.Closed
        ? this.changeState(tx, SYSTEM_ACTOR, alert.id, 'close', note)
        : null;
    };
    if (em) return em.queryRunner?.isTransactionActive ? run(em) : em.transaction(run);
    return this.ds.transaction(run);
  }

  async list(actor: Actor, q: ListAlertsQueryDto, types?: readonly AlertType[]): Promise<Paginated<AlertView>> {
    const f = { ...(await this.filters(q)), ...(types ? { types } : {}) };
    const [rows, total] = await this.alerts.listScoped(actor, f, offsetOf(q), q.pageSize);
    return paginate(
      rows.map((r) => toAlertView(r.alert, r.context)),
      total,
      q,
    );
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    const found = await this.alerts.findWithContext(id);
    if (!found) throw DomainError.notFound('Alert');
    this.scope.assertVisible(actor, found.alert);
    return toAlertView(found.alert, found.context);
  }

  /**
   * Every alert of the list's filters as a workbook (page and pageSize ignored), streamed: read through a
   * cursor and written in an export worker thread (QueryExportService), no row cap but the sheet's own.
   * Audited when any row left: who took which alerts out of the platform, with the filters and the row
   * count. A complete download ends only after its audit entry is written; one cut short is audited with
   * rows null (some rows may have left).
   */
  async export(actor: Actor, q: ListAlertsQueryDto): Promise<ExportedStream> {
    return this.exportAs(ALERT_EXPORT, actor, q);
  }

  /** The off-platform operation report (alerts of `types`, with the list's other filters) as its own sheet. */
  async exportOffPlatform(
    actor: Actor,
    q: Partial<ListAlertsQueryDto>,
    types: readonly AlertType[],
  ): Promise<ExportedStream> {
    return this.exportAs(OFF_PLATFORM_ALERT_EXPORT, actor, q, types);
  }

  private async exportAs(
    spec: QueryExportSpec<AlertExportRow>,
    actor: Actor,
    q: Partial<ListAlertsQueryDto>,
    types?: readonly AlertType[],
  ): Promise<ExportedStream> {
    const f = { ...(await this.filters(q)), ...(types ? { types } : {}) };
    const [sql, params] = this.alerts.exportStatement(actor, f);
    const file = await this.exporter.export(spec, { sql, params });
    return this.exporter.audited(
      file,
      actor,
      { action: 'alert.export', entityType: 'alert_export', enterpriseId: actor.enterpriseId ?? null },
      (rows) => ({
        rows,
        complete: rows !== null,
        filters: {
          ...(types ? { types: [...types] } : {}),
          type: q.type ?? null,
          severity: q.severity ?? null,
          state: q.state ?? null,
          notClosed: q.notClosed ?? null,
          enterpriseId: q.enterpriseId ?? null,
          machineId: q.machineId ?? null,
          regionCode: q.regionCode ?? null,
          from: q.from ?? null,
          to: q.to ?? null,
        },
      }),
    );
  }

  /** The current state of these alerts (missing ids left out): notifications stop escalating an acknowledged one. */
  async statesOf(ids: string[]): Promise<Map<string, AlertState>> {
    return this.alerts.statesOf(ids);
  }

  /** Not-closed alerts of an enterprise, or under a region path, by type and severity: the daily digest's counts. */
  async openCounts(where: {
    enterpriseId?: string;
    regionPath?: string;
  }): Promise<{ type: AlertType; severity: AlertSeverity; count: number }[]> {
    return this.alerts.openCounts(where);
  }

  /** Views of alerts another read model selected (off-platform report), with their context: one more query per page. */
  async viewsOf(alerts: Alert[]): Promise<AlertView[]> {
    const contexts = await this.alerts.contextsOf(alerts.map((a) => a.id));
    return alerts.map((a) => toAlertView(a, contexts.get(a.id)));
  }

  /** The menu badge: open alerts in scope raised or repeated after the user last opened the list. */
  async unseen(actor: Actor): Promise<UnseenAlertsView> {
    const seenAt = actor.userId ? await this.alerts.seenMark(actor.userId) : null;
    return { unseen: await this.alerts.countOpenSince(actor, seenAt), seenAt };
  }

  /**
   * Showing the alert list marks what it showed (up to `upTo`, never past now) as seen by this user. A read
   * receipt of one user's own, like a session, not a change to any record: it is not written to the audit log.
   */
  async markSeen(actor: Actor, upTo: Date): Promise<UnseenAlertsView> {
    const now = this.clock.now();
    if (actor.userId) await this.alerts.markSeen(actor.userId, upTo < now ? upTo : now);
    return this.unseen(actor);
  }

  async summary(
    actor: Actor,
    q: Pick<ListAlertsQueryDto, 'from' | 'to' | 'enterpriseId' | 'notClosed'>,
  ): Promise<AlertSummary> {
    const f = await this.filters(q);
    const s = emptySummary();
    for (const r of await this.alerts.countByTypeStateSeverity(actor, f)) {
      s.byState[r.state][r.severity] += r.count;
      s.byState[r.state].total += r.count;
      s.total += r.count;
      s.byType[r.type][r.state] += r.count;
      s.byType[r.type].total += r.count;
    }
    return s;
  }

  async acknowledge(actor: Actor, id: string, note?: string): Promise<AlertView> {
    return this.ds.transaction((tx) => this.changeState(tx, actor, id, 'acknowledge', note ?? null));
  }

  async close(actor: Actor, id: string, note: string): Promise<AlertView> {
    return this.ds.transaction((tx) => this.changeState(tx, actor, id, 'close', note));
  }

  private async raiseIn(em: EntityManager, input: RaiseAlertInput): Promise<AlertView> {
    const info = ALERT_TYPES[input.type];
    if (!info) throw new Error(`Unknown alert type ${String(input.type)}`);
    if (input.dedupeKey !== undefined && (input.dedupeKey.length === 0 || input.dedupeKey.length > MAX_DEDUPE_KEY))
      throw new Error(`dedupeKey must be 1..${MAX_DEDUPE_KEY} characters`);
    let regionPath: string | null = null;
    if (input.enterpriseId) {
      const enterprise = await this.alerts.enterpriseScopeRef(em, input.enterpriseId);
      if (!enterprise) throw DomainError.notFound('Enterprise');
      regionPath = enterprise.regionPath;
    }
    const up = await this.alerts.upsertRaised(em, {
      type: input.type,
      severity: input.severity ?? info.severity,
      enterpriseId: input.enterpriseId ?? null,
      regionPath,
      machineId: input.machineId ?? null,
      welderId: input.welderId ?? null,
      permitId: input.permitId ?? null,
      chipId: input.chipId ?? null,
      evidence: sanitizeEvidence(input.evidence ?? {}),
      dedupeKey: input.dedupeKey ?? null,
      occurredAt: input.occurredAt ?? this.clock.now(),
      occurrences: Math.max(1, Math.trunc(input.occurrences ?? 1)),
      firstOccurredAt: input.firstOccurredAt ?? null,
    });
    const { alert, context } = (await this.alerts.findWithContext(up.id, em))!;
    // Only a new alert is audited (state changes are, in changeState): a repeat merely bumps count, last-seen and
    // severity on the row itself, and auditing it took the global audit-chain lock once per repeated device message.
    if (up.inserted) {
      await this.audit.record(em, SYSTEM_ACTOR, {
        action: 'alert.raise',
        entityType: 'alert',
        entityId: alert.id,
        enterpriseId: alert.enterpriseId,
        regionPath: alert.regionPath,
        before: null,
        after: alertAuditSnapshot(alert),
      });
      await this.hooks.raised(em, {
        id: alert.id,
        type: alert.type,
        severity: alert.severity,
        enterpriseId: alert.enterpriseId,
        regionPath: alert.regionPath,
        firstSeenAt: alert.firstSeenAt,
      });
    } else if (input.severity !== undefined && input.severity !== info.severity && up.severity === input.severity) {
      // A repeat at a severity above the type's default (and now the row's): subscribers may have told people
      // at the lower one. Only such repeats reach the hook; it decides (idempotently) whether anything changed.
      await this.hooks.severityRaised(em, { id: alert.id, severity: up.severity });
    }
    await this.bus.announce(em, alert.id);
    return toAlertView(alert, context);
  }

  private async changeState(
    em: EntityManager,
    actor: Actor,
    id: string,
    action: 'acknowledge' | 'close',
    note: string | null,
  ): Promise<AlertView> {
    const alert = await this.alerts.findByIdForUpdate(em, id);
    if (!alert) throw DomainError.notFound('Alert');
    if (action === 'close') this.scope.assertClosable(actor, alert);
    else this.scope.assertVisible(actor, alert);
    if (alert.state === AlertState.Closed)
      throw new DomainError(ErrorCode.INVALID_STATE, 'The alert is closed; closing is final');
    if (action === 'acknowledge' && alert.state !== AlertState.Open)
      throw new DomainError(ErrorCode.INVALID_STATE, 'The alert is already acknowledged');
    const before = alertAuditSnapshot(alert);
    const now = this.clock.now();
    if (action === 'acknowledge')
      Object.assign(alert, {
        state: AlertState.Acknowledged,
        acknowledgedBy: actor.userId,
        acknowledgedAt: now,
        acknowledgeNote: note,
      });
    else Object.assign(alert, { state: AlertState.Closed, closedBy: actor.userId, closedAt: now, closeNote: note });
    await this.alerts.saveState(em, alert);
    await this.audit.record(em, actor, {
      action: `alert.${action}`,
      entityType: 'alert',
      entityId: alert.id,
      enterpriseId: alert.enterpriseId,
      regionPath: alert.regionPath,
      before,
      after: alertAuditSnapshot(alert),
    });
    await this.bus.announce(em, alert.id);
    const after = (await this.alerts.findWithContext(alert.id, em))!;
    return toAlertView(after.alert, after.context);
  }

  private async filters(q: Partial<ListAlertsQueryDto>): Promise<AlertFilters> {
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && to <= from) throw DomainError.invalid('to', 'toNotAfterFrom', 'to must be later than from');
    let regionPath: string | undefined;
    if (q.regionCode) {
      const region = await this.regions.findByCode(q.regionCode);
      if (!region) throw DomainError.invalid('regionCode', 'unknownRegion', 'no region has this code');
      regionPath = region.path;
    }
    return {
      regionPath,
      type: q.type,
      severity: q.severity,
      state: q.state,
      notClosed: q.notClosed,
      enterpriseId: q.enterpriseId,
      machineId: q.machineId,
      from,
      to,
    };
  }
}
