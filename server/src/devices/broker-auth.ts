import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AclAction,
  CHIP_ID_PATTERN,
  connectTokenUsableUntil,
  deviceAcl,
  deviceClientIdAllowed,
  fromBase64Url,
  verifyConnectToken,
} from '@arcgate/protocol';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/mqtt-connection';
import { BoundChip } from './chips.repository';
import { ChipsService } from './chips.service';
import { ConnectTokenUsesRepository } from './connect-token-uses.repository';
import { DeviceAlerts } from '../device-core/device-alerts';

export type BrokerIdentity = { kind: 'server' } | { kind: 'device'; chipId: string; machineId: string };

export const CONNECT_REFUSALS = [
  'no_credentials',
  'bad_server_password',
  'unknown_user',
  'unregistered_chip',
  'bad_token',
  'token_replayed',
  'client_id_mismatch',
  'server_client_id',
  'foreign_will',
  'server_unavailable',
] as const;
export type ConnectRefusal = (typeof CONNECT_REFUSALS)[number];

export type BrokerAuthResult =
  | { ok: true; identity: BrokerIdentity }
  /** returnCode as in MQTT 3.1.1 CONNACK: 2 identifier rejected, 3 server unavailable, 4 bad user name or password, 5 not authorized. */
  | { ok: false; returnCode: 2 | 3 | 4 | 5; reason: ConnectRefusal };

export interface ConnectAttempt {
  /** The client id exactly as the client sent it in CONNECT ('' when it left it to the broker). */
  clientId?: string;
  username?: string;
  password?: string | Buffer;
  remoteAddress?: string;
  /** Last will the client registered, if any: part of "what it said". */
  will?: { topic: string; payload: string };
  via: 'embedded' | 'http';
}

/** Shared secret the external broker sends as X-Broker-Secret to the HTTP auth/ACL hooks. */
export function brokerHookSecret(config: AppConfig): string {
  return createHmac('sha256', config.secrets.jwt).update('broker-hook').digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const EXCERPT = 512;
/**
 * What a client said at CONNECT goes into alert evidence (jsonb). PostgreSQL refuses U+0000 and lone
 * surrogates there, and a failed insert would lose the alert: they become U+FFFD, so a hostile client
 * cannot make its own alert disappear.
 */
const storable = (s: string) =>
  s.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const excerpt = (s: string) => storable(s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s);
/** Every string (keys too) of a parsed JSON value made storable. */
function storableJson(v: unknown): unknown {
  if (typeof v === 'string') return storable(v);
  if (Array.isArray(v)) return v.map(storableJson);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storable(k), storableJson(x)]));
  return v;
}

/** Unverified claims of a connect token, kept as evidence of what an unknown chip said. */
function tokenClaims(password: string): Record<string, unknown> | null {
  const head = fromBase64Url(password.split('.')[0] ?? '');
  if (!head) return null;
  try {
    const v: unknown = JSON.parse(head.toString('utf8'));
    return typeof v === 'object' && v !== null ? (storableJson(v) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Who may connect to the broker and what they may touch. One implementation for the embedded
 * aedes hooks and the HTTP hooks of external brokers (EMQX, mosquitto-go-auth), so both agree.
 * Unknown chips are refused (not quarantined): with no registered key their token cannot be
 * verified, and a quarantine topic would be an unauthenticated write path into the server. What
 * they said at CONNECT (client id, claims, will) is kept as the alert's evidence.
 */
@Injectable()
export class BrokerAuth {
  private readonly logger = new Logger('BrokerAuth');
  /** Refused CONNECTs since start, per reason (GET /api/broker/refusals). */
  private readonly refusals = new Map<ConnectRefusal, number>(CONNECT_REFUSALS.map((r) => [r, 0]));

  constructor(
    private readonly chips: ChipsService,
    private readonly alerts: DeviceAlerts,
    private readonly tokenUses: ConnectTokenUsesRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  refusalCounts(): Record<ConnectRefusal, number> {
    return Object.fromEntries(this.refusals) as Record<ConnectRefusal, number>;
  }

  /** Never throws: a failure of the checks themselves (database down) refuses, "server unavailable" (fail closed). */
  async authenticate(a: ConnectAttempt): Promise<BrokerAuthResult> {
    try {
      return await this.check(a);
    } catch (e) {
      this.logger.error(`connect check failed: ${(e as Error).message}`);
      return this.refuse(a, 3, 'server_unavailable');
    }
  }

  private async check(a: ConnectAttempt): Promise<BrokerAuthResult> {
    const username = a.username ?? '';
    const password = a.password === undefined ? '' : a.password.toString();
    if (!username || !password) return this.refuse(a, 4, 'no_credentials');
    if (username === SERVER_MQTT_USERNAME) {
      if (!safeEqual(password, serverMqttPassword(this.config))) return this.refuse(a, 4, 'bad_server_password');
      // The server's own sessions never take a chip's client id: that would drop the device using it.
      if (a.clientId !== undefined && CHIP_ID_PATTERN.test(a.clientId)) return this.refuse(a, 2, 'server_client_id');
      return { ok: true, identity: { kind: 'server' } };
    }
    if (!CHIP_ID_PATTERN.test(username)) return this.refuse(a, 4, 'unknown_user');
    const bound = await this.chips.findBoundByChipId(username);
    if (!bound) {
      const known = await this.chips.findKnownChip(username);
      await this.alerts.unregistered(username, {
        event: 'connect',
        via: a.via,
        clientId: a.clientId === undefined ? null : excerpt(a.clientId),
        remoteAddress: a.remoteAddress ?? null,
        knownButUnbound: !!known,
        claims: tokenClaims(password),
        will: a.will ? { topic: excerpt(a.will.topic), payload: excerpt(a.will.payload) } : null,
      });
      return this.refuse(a, 5, 'unregistered_chip');
    }
    const now = this.clock.now();
    const verdict = verifyConnectToken(password, bound.publicKey, now, { username });
    if (!verdict.ok) {
      // Signature and chip checked out, only the time did not: the device's clock is off and it can never
      // get online by itself, so someone must be told. Still refused (fail closed).
      if (verdict.failure === 'expired' || verdict.failure === 'not_yet_valid')
        await this.alerts.clockSkew(bound, this.skewEvidence(a, password, verdict.failure, now));
      return this.refuse(a, 4, 'bad_token');
    }
    // One use per token, claimed before anything else is decided: whoever presents a token first
    // (the device, or someone who copied it off the wire) uses it up.
    if (
      !(await this.tokenUses.claimOnce(
        bound.chipId,
        verdict.claims.nonce,
        now,
        connectTokenUsableUntil(verdict.claims),
      ))
    )
      return this.refuse(a, 4, 'token_replayed');
    // The chip proved who it is; it may still only be itself. A broker drops the older session of a
    // client id, so another chip's id would disconnect that chip: refused before the broker registers it.
    if (!deviceClientIdAllowed(bound.chipId, a.clientId)) {
      await this.impersonation(bound, a);
      return this.refuse(a, 2, 'client_id_mismatch');
    }
    // The broker publishes a will without asking anyone at the moment the session ends: a will on a
    // topic the device may not publish to (another chip's status) is refused now.
    const identity: BrokerIdentity = { kind: 'device', chipId: bound.chipId, machineId: bound.machineId };
    if (a.will && !this.authorize(identity, 'publish', a.will.topic, true)) return this.refuse(a, 5, 'foreign_will');
    return { ok: true, identity };
  }

  /** The ACL: the server may do anything; a device only its own topics (protocol deviceAcl). */
  authorize(
    identity: BrokerIdentity | { kind: 'device'; chipId: string },
    action: AclAction,
    topic: string,
    retain = false,
  ): boolean {
    if (identity.kind === 'server') return true;
    if (!deviceAcl(this.config.mqtt.topicRoot, identity.chipId, action, topic)) return false;
    // Only the presence topic is retained; a retained up message would be replayed to every new subscriber.
    return !(action === 'publish' && retain && !topic.endsWith('/status'));
  }

  /**
   * ACL identity from a user name (HTTP ACL calls carry no password; the broker authenticated the
   * session). A device's session must also carry its own chip id as client id, as at CONNECT: a broker
   * that skipped or cached the authentication hook still gets nothing for a foreign client id.
   */
  identityForUsername(
    username: string | undefined,
    clientId?: string,
  ): BrokerIdentity | { kind: 'device'; chipId: string } | null {
    if (username === SERVER_MQTT_USERNAME) return { kind: 'server' };
    if (username && CHIP_ID_PATTERN.test(username) && deviceClientIdAllowed(username, clientId))
      return { kind: 'device', chipId: username };
    return null;
  }

  /**
   * The token's own time (as deviceTime: alert evidence redacts keys naming a token) is shown only
   * to say how far off the device's clock is; it is never used for anything else.
   */
  private skewEvidence(a: ConnectAttempt, password: string, failure: string, now: Date): Record<string, unknown> {
    const ts = tokenClaims(password)?.ts;
    const tokenMs = typeof ts === 'string' ? Date.parse(ts) : NaN;
    const known = Number.isFinite(tokenMs);
    return {
      failure,
      deviceTime: known ? new Date(tokenMs).toISOString() : null,
      serverTime: now.toISOString(),
      skewMs: known ? Math.round(tokenMs - now.getTime()) : null,
      remoteAddress: a.remoteAddress ?? null,
    };
  }

  /**
   * One alert per impostor chip (the chip that authenticated), repeats counted into it. The client id
   * it asked for is evidence: whether it names a bound chip says whether a device was the target.
   */
  private async impersonation(chip: BoundChip, a: ConnectAttempt): Promise<void> {
    const raw = (a.clientId ?? '').slice(0, 128);
    const claimed = storable(raw);
    const target = CHIP_ID_PATTERN.test(raw) ? await this.chips.findBoundByChipId(raw) : null;
    await this.alerts.raise({
      type: AlertType.DEVICE_IMPERSONATION,
      chipId: chip.chipId,
      machineId: chip.machineId,
      enterpriseId: chip.enterpriseId,
      occurredAt: this.clock.now(),
      evidence: {
        chipId: chip.chipId,
        claimedClientId: claimed,
        claimedIsBoundChip: !!target,
        emptyClientId: claimed === '',
        via: a.via,
        remoteAddress: a.remoteAddress ?? null,
      },
      dedupeKey: `device:impersonation:${chip.chipId}`,
    });
  }

  private refuse(a: ConnectAttempt, returnCode: 2 | 3 | 4 | 5, reason: ConnectRefusal): BrokerAuthResult {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
    this.logger.warn(
      `connect refused (${reason}) user=${JSON.stringify(storable((a.username ?? '').slice(0, 64)))} client=${JSON.stringify(storable((a.clientId ?? '').slice(0, 64)))} via ${a.via} from ${a.remoteAddress ?? '?'}`,
    );
    return { ok: false, returnCode, reason };
  }
}
