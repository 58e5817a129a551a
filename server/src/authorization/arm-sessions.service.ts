import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PHONE_PUSH_TTL_MS, randomToken } from '@arcgate/protocol';
import { Actor } from '../access/actor';
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
import { ArmSessionResultDto, ArmSessionStatus, ArmSessionViewDto } from './dto/arm-session.view';
import { GrantRecord } from './grant.entity';
import { PhonePushDelivery } from './phone-push';

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
    const s = actor.welderId
      ? await this.ds.getRepository(ArmSession).findOne({ where: { id, welderId: actor.welderId } })
      : null;
    if (!s) throw DomainError.notFound('Arm session');
    const g = await this.ds.getRepository(GrantRecord).findOneOrFail({ where: { grantId: s.grantId } });
    const now = this.clock.now().getTime();
    let status: ArmSessionStatus;
    if (g.revokedAt) status = 'revoked';
    else if (s.usedAt) status = g.expiresAt.getTime() > now ? 'armed' : 'expired';
    else if (s.pushedAt) status = s.confirmBy && s.confirmBy.getTime() > now ? 'delivered' : 'expired';
    else status = s.pushDeadline.getTime() > now ? 'pending' : 'expired';
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
