import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PHONE_PUSH_TTL_MS, randomToken, ReasonCode } from '@arcgate/protocol';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { CodesService } from '../codes/codes.service';
import { CodeStatus, CodeSubjectType } from '../codes/identity-code.entity';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { haversineM } from '../permits/geofence';
import { ArmSession } from './arm-session.entity';
import { AuthorizationService } from './authorization.service';
import { DecisionAlerts } from './decision-alerts';
import { CreateArmSessionDto } from './dto/create-arm-session.dto';
import {
  ArmSessionResultDto,
  ArmSessionStatus,
  ArmSessionViewDto,
  WorkPhase,
  WorkProgressDto,
  WorkSessionDto,
} from './dto/arm-session.view';
import { ListArmSessionsQueryDto } from './dto/list-arm-sessions.query';
import { GrantRecord } from './grant.entity';
import { PhonePushDelivery } from './phone-push';
import { RevocationService } from './revocation.service';

/** The code inside what the phone scanned: the bare code or the code URL `<base>/q/<code>`. */
export function scannedCode(scanned: string): string {
  const text = scanned.trim();
  const match = /\/q\/([^/?#]+)\/?(?:[?#].*)?$/.exec(text);
  try {
    return (match ? decodeURIComponent(match[1]) : text).toUpperCase();
  } catch {
    return text.toUpperCase();
  }
}

interface MachineLocation {
  id: string;
  chip_id: string | null;
  last_position: { lat: number; lng: number } | null;
  site_latitude: string | null;
  site_longitude: string | null;
}

/**
 * Phone-initiated start (扫码启动): a welder scans the machine's code, picks the permit; the engine
 * decides (source "phone") and the device gets grant.push now or when it comes online in time.
 */
@Injectable()
export class ArmSessionsService {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly codes: CodesService,
    private readonly push: PhonePushDelivery,
    private readonly alerts: DecisionAlerts,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly revocation: RevocationService,
    private readonly audit: AuditService,
  ) {}

  async start(actor: Actor, dto: CreateArmSessionDto): Promise<ArmSessionResultDto> {
    if (!actor.welderId)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only a welder account linked to a welder record can start a machine');
    const machineId = await this.resolveMachineCode(dto.machineCode);
    const place = await this.machineLocation(machineId, dto.permitId);
    const sessionId = randomUUID();
    const at = this.clock.now();
    const position = { lat: dto.position.lat, lng: dto.position.lng, accuracyM: dto.position.accuracyM };
    const decision = await this.authorization.decide({
      chipId: place.chip_id,
      machineId,
      credential: { kind: 'welder_account', welderId: actor.welderId },
      permitId: dto.permitId,
      position,
      nonce: randomToken(16),
      requestId: sessionId,
      at,
      source: 'phone',
    });

    // Far from the machine's last fix (or, without one, from the permit's site): someone may be starting it remotely.
    const ref =
      place.last_position ??
      (place.site_latitude !== null && place.site_longitude !== null
        ? { lat: Number(place.site_latitude), lng: Number(place.site_longitude) }
        : null);
    if (ref)
      await this.alerts.remoteStart(
        decision,
        haversineM(ref, position),
        place.last_position ? 'machine' : 'permit_site',
      );
    await this.alerts.afterDecision(decision);

    const base = { allowed: decision.allowed, reason: decision.reason, message: decision.message };
    if (!decision.allowed || !decision.grant) return { ...base, delivered: false };
    const pushDeadline = new Date(at.getTime() + PHONE_PUSH_TTL_MS);
    await this.ds.getRepository(ArmSession).insert({
      id: sessionId,
      decisionId: decision.id,
      grantId: decision.grant.grantId,
      chipId: decision.chipId!,
      machineId,
      welderId: actor.welderId,
      permitId: dto.permitId,
      userId: actor.userId,
      phonePosition: position,
      createdAt: at,
      pushDeadline,
      pushedAt: null,
      confirmBy: null,
      usedAt: null,
      usedRequestId: null,
    });
    const delivered = await this.push.pushIfOnline(sessionId);
    return {
      ...base,
      sessionId,
      delivered,
      pushDeadline: pushDeadline.toISOString(),
      grant: { grantId: decision.grant.grantId, expiresAt: decision.grant.expiresAt.toISOString() },
    };
  }

  /** A welder sees only their own sessions; anything else is "not found". */
  async get(actor: Actor, id: string): Promise<ArmSessionViewDto> {
    const s = await this.own(actor, id);
    const g = await this.ds.getRepository(GrantRecord).findOneOrFail({ where: { grantId: s.grantId } });
    const now = this.clock.now();
    const status = sessionStatus(s, g, now.getTime());
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: s.id,
      status,
      delivered: s.pushedAt !== null,
      machineId: s.machineId,
      permitId: s.permitId,
      createdAt: s.createdAt.toISOString(),
      pushDeadline: s.pushDeadline.toISOString(),
      pushedAt: iso(s.pushedAt),
      confirmBy: iso(s.confirmBy),
      usedAt: iso(s.usedAt),
      grant: { grantId: g.grantId, expiresAt: g.expiresAt.toISOString() },
      revokeReason: g.revokeReason,
      work: await this.progress(s, g, status),
    };
  }

  /**
   * 结束作业: the welder ends their own session. A grant still live is revoked (WORK_ENDED): the device
   * that holds it gets grant.revoke at once, opens its relay and locks; one not yet taken can no longer be.
   * Ending a session that has already ended changes nothing and is not audited again.
   */
  async end(actor: Actor, id: string): Promise<ArmSessionViewDto> {
    const s = await this.own(actor, id);
    const revoked = await this.revocation.revokeWhere({ grantId: s.grantId }, ReasonCode.WORK_ENDED);
    if (revoked.length) {
      const g = await this.ds.getRepository(GrantRecord).findOneOrFail({ where: { grantId: s.grantId } });
      // Revoked first, then audited: the machine locks whatever happens to the audit write (a failed
      // write answers 500 and is logged; the revocation itself is in the grant row).
      await this.ds.transaction((em) =>
        this.audit.record(em, actor, {
          action: 'arm_session.end',
          entityType: 'arm_session',
          entityId: s.id,
          enterpriseId: g.enterpriseId,
          regionPath: g.regionPath,
          // The session links the grant; the reason says the machine was locked at the welder's word.
          after: { machineId: s.machineId, permitId: s.permitId, reason: ReasonCode.WORK_ENDED },
        }),
      );
    }
    return this.get(actor, id);
  }

  /** 今日作业: the welder's own phone starts requested in [from, to), newest first, with their arc time. */
  async listMine(actor: Actor, q: ListArmSessionsQueryDto): Promise<WorkSessionDto[]> {
    if (!actor.welderId) return [];
    const from = new Date(q.from);
    const to = q.to ? new Date(q.to) : new Date(from.getTime() + DAY_MS);
    if (to <= from) throw DomainError.invalid('to', 'toNotAfterFrom', 'to must be later than from');
    if (to.getTime() - from.getTime() > 31 * DAY_MS)
      throw DomainError.invalid('to', 'tooLong', 'The period may be at most 31 days');
    const rows: SessionRow[] = await this.ds.query(
      `SELECT s.id, s.machine_id, m.name AS machine_name, s.permit_id, p.work_description,
              s.created_at, s.push_deadline, s.pushed_at, s.confirm_by, s.used_at,
              g.expires_at, g.revoked_at, g.revoke_reason,
              (SELECT min(e.occurred_at) FROM device_events e
                WHERE e.chip_id = s.chip_id AND e.grant_id = s.grant_id::text AND e.occurred_at >= s.created_at - interval '5 minutes'
                  AND e.type = 'relay.change' AND (e.payload->>'closed')::boolean) AS relay_closed_at,
              (SELECT max(e.occurred_at) FROM device_events e
                WHERE e.chip_id = s.chip_id AND e.grant_id = s.grant_id::text AND e.occurred_at >= s.created_at - interval '5 minutes'
                  AND e.type = 'relay.change' AND NOT (e.payload->>'closed')::boolean) AS relay_opened_at,
              a.arc_count, a.arc_ms
         FROM arm_sessions s
         JOIN grants g ON g.grant_id = s.grant_id
         JOIN machines m ON m.id = s.machine_id
         JOIN permits p ON p.id = s.permit_id
         CROSS JOIN LATERAL (SELECT count(*)::int AS arc_count, coalesce(sum(duration_ms), 0)::float8 AS arc_ms
                               FROM arcs WHERE chip_id = s.chip_id AND grant_id = s.grant_id::text) a
        WHERE s.welder_id = $1 AND s.created_at >= $2 AND s.created_at < $3
        ORDER BY s.created_at DESC
        LIMIT 200`,
      [actor.welderId, from, to],
    );
    const now = this.clock.now().getTime();
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return rows.map((r) => {
      const times = {
        pushDeadline: r.push_deadline,
        pushedAt: r.pushed_at,
        confirmBy: r.confirm_by,
        usedAt: r.used_at,
      };
      const grant = { revokedAt: r.revoked_at, expiresAt: r.expires_at };
      const status = sessionStatus(times, grant, now);
      const opened = r.relay_closed_at && r.relay_opened_at && r.relay_opened_at >= r.relay_closed_at;
      return {
        id: r.id,
        status,
        machineId: r.machine_id,
        machineName: r.machine_name,
        permitId: r.permit_id,
        permitWork: r.work_description,
        requestedAt: new Date(r.created_at).toISOString(),
        relayClosedAt: iso(r.relay_closed_at),
        endedAt: opened ? iso(r.relay_opened_at) : endOf(status, grant, times),
        arcCount: r.arc_count,
        arcMs: r.arc_ms,
        revokeReason: r.revoke_reason,
      };
    });
  }

  private async own(actor: Actor, id: string): Promise<ArmSession> {
    const s = actor.welderId
      ? await this.ds.getRepository(ArmSession).findOne({ where: { id, welderId: actor.welderId } })
      : null;
    if (!s) throw DomainError.notFound('Arm session');
    return s;
  }

  /** What the device reported about this grant: relay, arcs; and whether it is online now. */
  private async progress(s: ArmSession, g: GrantRecord, status: ArmSessionStatus): Promise<WorkProgressDto> {
    const since = new Date(s.createdAt.getTime() - EVENT_SKEW_MS);
    const [events, arcs, chip] = await Promise.all([
      this.ds.query<{ type: string; seq: number; occurred_at: Date; payload: { closed?: boolean } }[]>(
        `SELECT type, seq::float8 AS seq, occurred_at, payload FROM device_events
          WHERE chip_id = $1 AND grant_id = $2 AND occurred_at >= $3
            AND type IN ('relay.change', 'arc.start', 'arc.stop')
          ORDER BY seq`,
        [s.chipId, s.grantId, since],
      ),
      this.ds.query<ArcRow[]>(
        `SELECT count(*) OVER ()::int AS n, sum(duration_ms) OVER ()::float8 AS total,
                ended_at, duration_ms::float8 AS duration_ms, current_stats
           FROM arcs WHERE chip_id = $1 AND grant_id = $2 ORDER BY ended_at DESC LIMIT 1`,
        [s.chipId, s.grantId],
      ),
      this.ds.query<{ online: boolean }[]>(`SELECT online FROM chips WHERE chip_id = $1`, [s.chipId]),
    ]);
    let relayClosedAt: Date | null = null;
    let relayOpenedAt: Date | null = null;
    let relayClosed = false;
    let arcStart: { seq: number; at: Date } | null = null;
    for (const e of events) {
      if (e.type === 'relay.change') {
        relayClosed = e.payload.closed === true;
        if (relayClosed) relayClosedAt ??= e.occurred_at;
        else if (relayClosedAt) relayOpenedAt = e.occurred_at;
      } else if (e.type === 'arc.start') arcStart = { seq: e.seq, at: e.occurred_at };
      else if (e.type === 'arc.stop') arcStart = null;
    }
    const gone = status === 'revoked' || status === 'expired';
    const endedAt = relayClosedAt && !relayClosed ? relayOpenedAt : gone ? endOf(status, g, s) : null;
    let phase: WorkPhase;
    if (endedAt || gone) phase = 'ended';
    else if (relayClosed && arcStart) phase = 'arcing';
    else if (relayClosed) phase = 'relay_closed';
    else phase = 'waiting';
    const last = arcs[0];
    const amps = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return {
      phase,
      deviceOnline: chip[0]?.online === true,
      relayClosedAt: relayClosedAt?.toISOString() ?? null,
      arcStartedAt: phase === 'arcing' && arcStart ? arcStart.at.toISOString() : null,
      arcCount: last?.n ?? 0,
      arcMs: last?.total ?? 0,
      lastArc: last
        ? {
            endedAt: new Date(last.ended_at).toISOString(),
            durationMs: last.duration_ms,
            currentMeanA: amps(last.current_stats?.mean),
            currentMaxA: amps(last.current_stats?.max),
          }
        : null,
      endedAt: endedAt ? new Date(endedAt).toISOString() : null,
    };
  }

  /** Forged, malformed, unknown, revoked or non-machine codes are refused before any decision. */
  private async resolveMachineCode(scanned: string): Promise<string> {
    const code = scannedCode(scanned);
    const check = this.codes.signer.check(code);
    if (!check.ok) {
      const forged = check.reason === 'forged';
      throw new DomainError(
        forged ? ErrorCode.CODE_FORGED : ErrorCode.CODE_MALFORMED,
        forged ? 'The code is not genuine' : 'This is not an ArcGate code',
        [
          {
            field: 'machineCode',
            code: forged ? 'forged' : 'malformed',
            message: forged ? 'the code signature does not match' : 'not an ArcGate code',
          },
        ],
      );
    }
    if (check.subjectType !== CodeSubjectType.Machine)
      throw DomainError.invalid('machineCode', 'notMachineCode', "Scan the machine's code, not a welder's");
    const row = await this.codes.findByCode(code);
    if (!row) throw new DomainError(ErrorCode.CODE_UNKNOWN, 'The code is not known');
    if (row.status !== CodeStatus.Active) throw new DomainError(ErrorCode.CODE_REVOKED, 'The code has been revoked');
    return row.subjectId;
  }

  private async machineLocation(machineId: string, permitId: string): Promise<MachineLocation> {
    const rows: MachineLocation[] = await this.ds.query(
      `SELECT m.id, m.chip_id, c.last_position, p.site_latitude, p.site_longitude
         FROM machines m LEFT JOIN chips c ON c.chip_id = m.chip_id LEFT JOIN permits p ON p.id = $2
        WHERE m.id = $1`,
      [machineId, permitId],
    );
    if (!rows[0]) throw new DomainError(ErrorCode.CODE_UNKNOWN, 'The code is not known');
    return rows[0];
  }
}

const DAY_MS = 86_400_000;
/** Device events of a session are looked for from a little before it was requested (device clocks drift). */
const EVENT_SKEW_MS = 5 * 60_000;

interface SessionTimes {
  pushDeadline: Date;
  pushedAt: Date | null;
  confirmBy: Date | null;
  usedAt: Date | null;
}
interface GrantTimes {
  revokedAt: Date | null;
  expiresAt: Date;
}
interface ArcRow {
  n: number;
  total: number;
  ended_at: Date;
  duration_ms: number;
  current_stats: { mean?: number; max?: number } | null;
}
interface SessionRow {
  id: string;
  machine_id: string;
  machine_name: string;
  permit_id: string;
  work_description: string;
  created_at: Date;
  push_deadline: Date;
  pushed_at: Date | null;
  confirm_by: Date | null;
  used_at: Date | null;
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: ReasonCode | null;
  relay_closed_at: Date | null;
  relay_opened_at: Date | null;
  arc_count: number;
  arc_ms: number;
}

function sessionStatus(s: SessionTimes, g: GrantTimes, now: number): ArmSessionStatus {
  if (g.revokedAt) return 'revoked';
  if (s.usedAt) return g.expiresAt.getTime() > now ? 'armed' : 'expired';
  if (s.pushedAt) return s.confirmBy && s.confirmBy.getTime() > now ? 'delivered' : 'expired';
  return s.pushDeadline.getTime() > now ? 'pending' : 'expired';
}

/** When a session that is over ended, as far as the platform decided it: revoked, or the deadline it missed. */
function endOf(status: ArmSessionStatus, g: GrantTimes, s: SessionTimes): string | null {
  if (status === 'revoked') return g.revokedAt ? new Date(g.revokedAt).toISOString() : null;
  if (status !== 'expired') return null;
  const deadline = s.usedAt ? g.expiresAt : s.pushedAt ? s.confirmBy : s.pushDeadline;
  return deadline ? new Date(deadline).toISOString() : null;
}
