import { Injectable, Logger } from '@nestjs/common';
import { ArcStopEvent, HARDWARE_WATCHDOG_TIMEOUT_MS, HeartbeatEvent } from '@arcgate/protocol';
import { DataSource } from 'typeorm';
import { AlertType } from '../alerts/alert-type';
import { chinaDate } from '../common/time/china-date';
import { isUuid } from '../common/validation/uuid';
import { DeviceAlerts } from '../device-core/device-alerts';
import { Geofence, GPS_TOLERANCE_M, distanceOutsideM } from '../permits/geofence';
import { PermitsService } from '../permits/permits.service';
import { GrantInfo, GrantLookup, grantValidAt } from './grant-lookup';
import { StoredEvent } from './telemetry.types';

const ARC_TYPES = new Set(['arc.start', 'arc.stop', 'arc.unauthorized']);
/** Arcs separated by less than this idle time belong to one run of use. */
export const RUN_GAP_MS = 30 * 60_000;
export const OVERUSE_MS = 24 * 3_600_000;

interface PermitRow {
  id: string;
  status: string;
  plannedEnd: Date;
  closedAt: Date | null;
  cancelledAt: Date | null;
  geofence: Geofence | null;
}

/** When a permit stopped allowing work: closing, cancelling or the end of its window, whichever first. */
export function permitEndedAt(p: PermitRow): Date {
  const ends = [p.plannedEnd, p.closedAt, p.cancelledAt].filter((d): d is Date => d instanceof Date);
  return new Date(Math.min(...ends.map((d) => d.getTime())));
}

const at = (s: string) => new Date(s);

/**
 * Alerts on newly stored events (never on duplicates): arcs without a valid grant, tamper, gas above
 * the limit, arcs cut for over-current, relay feedback faults, activity at an inactive enterprise, arcs after the permit ended, outside the geofence,
 * and machines running more than 24 h. Also reports arcs to the permit (gas re-test pause rule).
 */
@Injectable()
export class TelemetryRules {
  private readonly logger = new Logger('TelemetryRules');

  constructor(
    private readonly ds: DataSource,
    private readonly grants: GrantLookup,
    private readonly alerts: DeviceAlerts,
    private readonly permits: PermitsService,
  ) {}

  async apply(stored: StoredEvent[]): Promise<void> {
    if (!stored.length) return;
    const grantIds = [
      ...new Set(
        stored.map((s) => ('grantId' in s.event ? s.event.grantId : undefined)).filter((g): g is string => !!g),
      ),
    ];
    const grants = await this.grants.findByIds(grantIds);
    const permits = await this.findPermits([...grants.values()].map((g) => g.permitId).filter((p): p is string => !!p));
    const inactive = await this.inactiveEnterprises(
      stored.filter((s) => ARC_TYPES.has(s.event.type)).map((s) => s.enterpriseId),
    );
    const overuseMachines = new Set<string>();

    for (const s of stored) {
      const base = {
        enterpriseId: s.enterpriseId,
        machineId: s.machineId,
        chipId: s.chipId,
        occurredAt: at(s.event.at),
      };
      const evidence = { chipId: s.chipId, seq: s.event.seq, type: s.event.type, at: s.event.at, event: s.event };
      const e = s.event;
      const grant = 'grantId' in e && e.grantId ? grants.get(e.grantId) : undefined;
      if (ARC_TYPES.has(e.type) && inactive.has(s.enterpriseId)) {
        await this.alerts.raise({
          type: AlertType.ACTIVITY_AT_INACTIVE_ENTERPRISE,
          ...base,
          evidence: { ...evidence, enterpriseStatus: inactive.get(s.enterpriseId) },
          dedupeKey: `device:inactive-enterprise:${s.machineId}`,
        });
      }
      switch (e.type) {
        case 'arc.unauthorized':
          await this.arcWithoutGrant(base, {
            ...evidence,
            reason: 'device reported current with the relay open (bypass suspected)',
          });
          break;
        case 'arc.start':
          if (!grantValidAt(grant, s.chipId, at(e.at)))
            await this.arcWithoutGrant(base, {
              ...evidence,
              reason: e.grantId ? "grant unknown, expired, revoked or not this chip's" : 'no grant id',
            });
          else await this.recordArc(grant, at(e.at), null);
          break;
        case 'arc.stop':
          await this.onArcStop(s, e, grant, permits, base, evidence);
          if (s.machineId) overuseMachines.add(s.machineId);
          break;
        case 'tamper':
          if (e.open)
            await this.alerts.raise({
              type: AlertType.TAMPER,
              ...base,
              evidence,
              dedupeKey: `device:tamper:${s.chipId}`,
            });
          break;
        case 'gas.reading': {
          const g = e;
          if (g.percentLel > g.limitPercentLel)
            await this.alerts.raise({
              type: AlertType.GAS_ABOVE_LIMIT,
              ...base,
              evidence,
              dedupeKey: `device:gas:${s.chipId}`,
            });
          break;
        }
        case 'power.cut': {
          // The other cut reasons have their own alerts (gas, tamper, board.link) or are the platform's or the welder's own doing (expiry, revoke, agent stopped).
          const cut = e;
          if (cut.reason === 'over_current') {
            await this.alerts.raise({
              type: AlertType.OVER_CURRENT,
              ...base,
              welderId: grant?.welderId ?? null,
              permitId: grant?.permitId ?? null,
              evidence,
              dedupeKey: `device:over-current:${s.chipId}`,
            });
          } else if (cut.reason === 'agent_crashed') {
            await this.alerts.raise({
              type: AlertType.AGENT_CRASHED,
              ...base,
              welderId: grant?.welderId ?? null,
              permitId: grant?.permitId ?? null,
              evidence: { ...evidence, cutBy: cut.by ?? null, hardwareWatchdogTimeoutMs: HARDWARE_WATCHDOG_TIMEOUT_MS },
              dedupeKey: `device:agent-crashed:${s.chipId}`,
            });
          }
          break;
        }
        case 'board.link': {
          const link = e;
          if (!link.up) {
            await this.alerts.raise({
              type: AlertType.BOARD_LINK_LOST,
              ...base,
              evidence: { ...evidence, cause: link.cause, hardwareWatchdogTimeoutMs: HARDWARE_WATCHDOG_TIMEOUT_MS },
              dedupeKey: `device:board-link:${s.chipId}`,
            });
          }
          break;
        }
        case 'relay.fault':
          await this.alerts.raise({
            type: AlertType.RELAY_FAULT,
            ...base,
            evidence,
            dedupeKey: `device:relay-fault:${s.chipId}`,
          });
          break;
        case 'heartbeat':
          await this.checkGeofence(s, e, base, evidence);
          break;
        default:
          break;
      }
    }
    for (const machineId of overuseMachines)
      await this.checkOveruse(
        machineId,
        stored.find((s) => s.machineId === machineId)!,
      );
  }

  private arcWithoutGrant(
    base: { enterpriseId: string; machineId: string; chipId: string; occurredAt: Date },
    evidence: Record<string, unknown>,
  ) {
    return this.alerts.raise({
      type: AlertType.ARC_WITHOUT_GRANT,
      ...base,
      evidence,
      dedupeKey: `device:arc-without-grant:${base.chipId}`,
    });
  }

  private async onArcStop(
    s: StoredEvent,
    e: ArcStopEvent,
    grant: GrantInfo | undefined,
    permits: Map<string, PermitRow>,
    base: Parameters<TelemetryRules['arcWithoutGrant']>[0],
    evidence: Record<string, unknown>,
  ) {
    const startedAt = at(e.startedAt);
    const endedAt = at(e.endedAt);
    const authorized = grantValidAt(grant, s.chipId, startedAt);
    const flags: string[] = [];
    const permit = grant?.permitId ? permits.get(grant.permitId) : undefined;
    if (authorized && permit && permitEndedAt(permit) < endedAt) {
      flags.push('after_permit_end');
      await this.alerts.raise({
        type: AlertType.ARC_AFTER_PERMIT_END,
        ...base,
        permitId: permit.id,
        welderId: grant.welderId,
        evidence: { ...evidence, permitEndedAt: permitEndedAt(permit).toISOString() },
        dedupeKey: `device:after-permit:${s.chipId}:${permit.id}`,
      });
    }
    if (!authorized) flags.push('no_valid_grant');
    await this.ds.query(
      `UPDATE arcs SET authorized = $3, welder_id = $4, permit_id = $5, flags = $6 WHERE chip_id = $1 AND stop_seq = $2`,
      [s.chipId, e.seq, authorized, grant?.welderId ?? null, grant?.permitId ?? null, flags],
    );
    if (authorized) await this.recordArc(grant, startedAt, endedAt);
  }

  private async recordArc(grant: GrantInfo, startedAt: Date, endedAt: Date | null): Promise<void> {
    if (!grant.permitId) return;
    try {
      await this.permits.recordArcActivity(grant.permitId, startedAt, endedAt);
    } catch (e) {
      this.logger.warn(`recordArcActivity(${grant.permitId}) failed: ${(e as Error).message}`);
    }
  }

  private async checkGeofence(
    s: StoredEvent,
    e: HeartbeatEvent,
    base: Parameters<TelemetryRules['arcWithoutGrant']>[0],
    evidence: Record<string, unknown>,
  ) {
    if (!e.position || !(e.relayClosed || e.state === 'arcing')) return;
    const grant = await this.grants.findInForce(s.chipId, at(e.at));
    if (!grant?.permitId) return;
    const permit = (await this.findPermits([grant.permitId])).get(grant.permitId);
    if (!permit?.geofence) return;
    const outsideM = distanceOutsideM(permit.geofence, e.position);
    if (outsideM <= GPS_TOLERANCE_M) return;
    await this.alerts.raise({
      type: AlertType.ARC_OUTSIDE_GEOFENCE,
      ...base,
      permitId: permit.id,
      welderId: grant.welderId,
      evidence: { ...evidence, outsideByM: Math.round(outsideM) },
      dedupeKey: `device:geofence:${s.chipId}:${permit.id}`,
    });
  }

  /** A run of arcs (idle gaps < 30 min) spanning more than 24 h: the machine has been on for over a day. */
  private async checkOveruse(machineId: string, s: StoredEvent): Promise<void> {
    const rows: { run_start: Date; run_end: Date }[] = await this.ds.query(
      `WITH a AS (SELECT started_at, ended_at FROM arcs WHERE machine_id = $1 AND ended_at > (SELECT max(ended_at) FROM arcs WHERE machine_id = $1) - interval '72 hours'),
            g AS (SELECT *, CASE WHEN started_at - max(ended_at) OVER (ORDER BY started_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) > $2::interval THEN 1 ELSE 0 END AS brk FROM a),
            r AS (SELECT *, sum(brk) OVER (ORDER BY started_at) AS run FROM g)
       SELECT min(started_at) AS run_start, max(ended_at) AS run_end FROM r WHERE run = (SELECT max(run) FROM r)`,
      [machineId, `${RUN_GAP_MS / 1000} seconds`],
    );
    const run = rows[0];
    if (!run?.run_start || run.run_end.getTime() - run.run_start.getTime() <= OVERUSE_MS) return;
    await this.alerts.raise({
      type: AlertType.MACHINE_OVERUSE_24H,
      enterpriseId: s.enterpriseId,
      machineId,
      chipId: s.chipId,
      occurredAt: run.run_end,
      evidence: {
        machineId,
        runStartedAt: run.run_start.toISOString(),
        lastArcEndedAt: run.run_end.toISOString(),
        hours: Math.round((run.run_end.getTime() - run.run_start.getTime()) / 360_000) / 10,
      },
      dedupeKey: `device:overuse:${machineId}:${chinaDate(run.run_start)}`,
    });
  }

  private async findPermits(ids: string[]): Promise<Map<string, PermitRow>> {
    const unique = [...new Set(ids)].filter(isUuid);
    if (!unique.length) return new Map();
    const rows: PermitRow[] = await this.ds.query(
      `SELECT id::text AS id, status, planned_end AS "plannedEnd", closed_at AS "closedAt", cancelled_at AS "cancelledAt", geofence FROM permits WHERE id = ANY($1::uuid[])`,
      [unique],
    );
    return new Map(rows.map((p) => [p.id, p]));
  }

  private async inactiveEnterprises(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows: { id: string; status: string }[] = await this.ds.query(
      `SELECT id::text AS id, status FROM enterprises WHERE id = ANY($1::uuid[]) AND status <> 'active'`,
      [unique],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }
}
