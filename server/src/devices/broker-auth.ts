import { Inject, Injectable, Logger } from '@nestjs/common';
import { AclAction, CHIP_ID_PATTERN, deviceAcl, fromBase64Url, verifyConnectToken } from '@arcgate/protocol';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/mqtt-connection';
import { ChipsService } from './chips.service';
import { DeviceAlerts } from './device-alerts';

export type BrokerIdentity = { kind: 'server' } | { kind: 'device'; chipId: string; machineId: string };

export type BrokerAuthResult =
  | { ok: true; identity: BrokerIdentity }
  /** returnCode as in MQTT 3.1.1 CONNACK: 4 bad user name or password, 5 not authorized. */
  | { ok: false; returnCode: 4 | 5; reason: 'no_credentials' | 'bad_server_password' | 'unknown_user' | 'unregistered_chip' | 'bad_token' };

export interface ConnectAttempt {
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
const excerpt = (s: string) => (s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s);

/** Unverified claims of a connect token, kept as evidence of what an unknown chip said. */
function tokenClaims(password: string): Record<string, unknown> | null {
  const head = fromBase64Url(password.split('.')[0] ?? '');
  if (!head) return null;
  try {
    const v: unknown = JSON.parse(head.toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
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

  constructor(
    private readonly chips: ChipsService,
    private readonly alerts: DeviceAlerts,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async authenticate(a: ConnectAttempt): Promise<BrokerAuthResult> {
    const username = a.username ?? '';
    const password = a.password === undefined ? '' : a.password.toString();
    if (!username || !password) return { ok: false, returnCode: 4, reason: 'no_credentials' };
    if (username === SERVER_MQTT_USERNAME) {
      return safeEqual(password, serverMqttPassword(this.config)) ? { ok: true, identity: { kind: 'server' } } : this.refuse(a, 4, 'bad_server_password');
    }
    if (!CHIP_ID_PATTERN.test(username)) return this.refuse(a, 4, 'unknown_user');
    const bound = await this.chips.findBoundByChipId(username);
    if (!bound) {
      const known = await this.chips.findKnownChip(username);
      await this.alerts.unregistered(username, {
        event: 'connect', via: a.via, clientId: a.clientId ?? null, remoteAddress: a.remoteAddress ?? null,
        knownButUnbound: !!known, claims: tokenClaims(password), will: a.will ? { topic: a.will.topic, payload: excerpt(a.will.payload) } : null,
      });
      return this.refuse(a, 5, 'unregistered_chip');
    }
    const now = this.clock.now();
    const verdict = verifyConnectToken(password, bound.publicKey, now, { username });
    if (!verdict.ok) {
      this.logger.warn(`connect refused for chip ${username} (${verdict.failure}) from ${a.remoteAddress ?? a.clientId ?? '?'}`);
      // Signature and chip checked out, only the time did not: the device's clock is off and it can never
      // get online by itself, so someone must be told. Still refused (fail closed).
      if (verdict.failure === 'expired' || verdict.failure === 'not_yet_valid') await this.alerts.clockSkew(bound, this.skewEvidence(a, password, verdict.failure, now));
      return { ok: false, returnCode: 4, reason: 'bad_token' };
    }
    return { ok: true, identity: { kind: 'device', chipId: bound.chipId, machineId: bound.machineId } };
  }

  /** The ACL: the server may do anything; a device only its own topics (protocol deviceAcl). */
  authorize(identity: BrokerIdentity | { kind: 'device'; chipId: string }, action: AclAction, topic: string, retain = false): boolean {
    if (identity.kind === 'server') return true;
    if (!deviceAcl(this.config.mqtt.topicRoot, identity.chipId, action, topic)) return false;
    // Only the presence topic is retained; a retained up message would be replayed to every new subscriber.
    return !(action === 'publish' && retain && !topic.endsWith('/status'));
  }

  /** ACL identity from a user name alone (HTTP ACL calls carry no password; the broker authenticated the session). */
  identityForUsername(username: string | undefined): BrokerIdentity | { kind: 'device'; chipId: string } | null {
    if (username === SERVER_MQTT_USERNAME) return { kind: 'server' };
    if (username && CHIP_ID_PATTERN.test(username)) return { kind: 'device', chipId: username };
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
      failure, deviceTime: known ? new Date(tokenMs).toISOString() : null, serverTime: now.toISOString(),
      skewMs: known ? Math.round(tokenMs - now.getTime()) : null, remoteAddress: a.remoteAddress ?? null,
    };
  }

  private refuse(a: ConnectAttempt, returnCode: 4 | 5, reason: Exclude<BrokerAuthResult, { ok: true }>['reason']): BrokerAuthResult {
    this.logger.warn(`connect refused (${reason}) user=${JSON.stringify((a.username ?? '').slice(0, 64))} from ${a.remoteAddress ?? a.clientId ?? '?'}`);
    return { ok: false, returnCode, reason };
  }
}
