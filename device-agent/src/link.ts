/**
 * The MQTT link to the platform (§3–§6, §9). Connects as the chip (client id = username = chip id,
 * password = a fresh connect token per attempt), leaves the offline status as its retained last
 * will, subscribes to its down topics before publishing anything, then publishes its signed online
 * status and reports 'online'. Every server message is verified with the provisioned server key;
 * what fails is reported as 'rejected' (the agent journals it) and otherwise ignored. Reconnects
 * with 1 s → 60 s back-off and ±20 % jitter. arm.request retries re-send the identical envelope.
 */
import { EventEmitter } from 'node:events';
import {
  ARM_REQUEST_RETRIES,
  ARM_REQUEST_TIMEOUT_MS,
  ArmDeniedMessage,
  ArmGrantMessage,
  canonicalJson,
  CertDeniedMessage,
  CertIssuedMessage,
  createEnvelope,
  DeviceFault,
  DeviceState,
  deviceDownFilter,
  DownMessage,
  DownMessageType,
  Envelope,
  MachineKind,
  makeConnectToken,
  MESSAGE_ID_PATTERN,
  MQTT_KEEPALIVE_S,
  OfflineStatusMessage,
  parsePayload,
  parseTopic,
  PublicKeyInput,
  reconnectDelayMs,
  RejectedMessageReason,
  SERVER_MESSAGE_DEDUP_MS,
  signEnvelope,
  statusTopic,
  UpMessageType,
  upTopic,
  verifyServerMessage,
} from '@arcgate/protocol';
import type { Clock } from './clock';
import type { ChipIdentity } from './keys';
import type { Logger } from './logger';

/** How long stop() waits for the broker to take the shutdown status before closing anyway. */
const STOP_GRACE_MS = 1500;
/** The parts of an mqtt.js MqttClient the link uses (a fake implements them in unit tests). */
export interface MqttClientLike {
  on(event: 'connect', cb: () => void): unknown;
  on(event: 'message', cb: (topic: string, payload: Buffer) => void): unknown;
  on(event: 'close', cb: () => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  subscribe(
    topic: string,
    opts: { qos: 1 },
    cb: (err: Error | null, granted?: { topic: string; qos: number }[]) => void,
  ): unknown;
  publish(topic: string, payload: string, opts: { qos: 1; retain: boolean }, cb: (err?: Error) => void): unknown;
  end(force: boolean, opts: object, cb: () => void): unknown;
  removeAllListeners(): unknown;
}

export interface MqttConnectOptions {
  clientId: string;
  username: string;
  password: string;
  clean: true;
  keepalive: number;
  protocolVersion: 4;
  reconnectPeriod: 0;
  connectTimeout: number;
  will: { topic: string; payload: string; qos: 1; retain: true };
  /** Mutual TLS: the chip's certificate and key (PEM) and the CA that signed the broker's certificate. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: true;
}

export type ConnectFn = (url: string, options: MqttConnectOptions) => MqttClientLike;

export interface LinkOptions {
  url: string;
  topicRoot: string;
  identity: ChipIdentity;
  serverPublicKey: PublicKeyInput | null;
  machineKind: MachineKind;
  firmware: string;
  clock: Clock;
  log: Logger;
  connect: ConnectFn;
  /** Mutual TLS material (PEM), read once at start; absent: no client certificate. */
  tls?: { ca: string; cert: string; key: string };
  /** The persistent envelope counter (§5.3). */
  nextSeq: () => number;
  /** Current device state, for the online status. */
  state: () => DeviceState;
  /** The device's own health problems for status.faults (absent: none reported). */
  faults?: () => DeviceFault[];
  random?: () => number;
}

export type ArmAnswer =
  | { kind: 'grant'; message: ArmGrantMessage }
  | { kind: 'denied'; message: ArmDeniedMessage }
  | { kind: 'timeout' }
  | { kind: 'offline' };

export type CertAnswer =
  | { kind: 'issued'; message: CertIssuedMessage }
  | { kind: 'denied'; message: CertDeniedMessage }
  | { kind: 'timeout' }
  | { kind: 'offline' };

export interface LinkEvents {
  online: [];
  offline: [];
  /** A verified server message that was not the answer of a pending request. */
  message: [message: DownMessage];
  rejected: [info: { messageType: string; messageId?: string; reason: RejectedMessageReason }];
}

interface PendingArm {
  timer: NodeJS.Timeout | null;
  resolve: (answer: ArmAnswer) => void;
}

const FRESHNESS_EXEMPT: readonly DownMessageType[] = ['arm.grant'];

export class Link extends EventEmitter<LinkEvents> {
  private client: MqttClientLike | null = null;
  private connected = false;
  private stopping = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly seen = new Map<string, number>();
  private readonly pending = new Map<string, PendingArm>();
  private readonly pendingCert = new Map<string, { timer: NodeJS.Timeout | null; resolve: (a: CertAnswer) => void }>();

  constructor(private readonly o: LinkOptions) {
    super();
  }

  get online(): boolean {
    return this.connected;
  }

  start(): void {
    this.stopping = false;
    this.connectOnce();
  }

  /** Graceful disconnect: offline status "shutdown" (retained), then DISCONNECT. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.settleAll({ kind: 'offline' });
    const client = this.client;
    this.client = null;
    if (!client) return;
    // A broker that is already gone never acknowledges: bound the graceful goodbye, then force-close.
    const bounded = (work: Promise<unknown>) =>
      Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    if (this.connected) {
      this.connected = false;
      await bounded(
        this.publishRaw(
          client,
          statusTopic(this.o.topicRoot, this.o.identity.chip),
          canonicalJson(this.offlineStatus('shutdown')),
          true,
        ),
      );
    }
    await bounded(new Promise<void>((resolve) => client.end(false, {}, () => resolve())));
    client.end(true, {}, () => undefined);
    client.removeAllListeners();
  }

  /** Signs and publishes the online status (after every connect and on every state change). */
  async publishStatus(): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) return;
    await this.publishStatusOn(client);
  }

  /** Signs a new envelope (next message seq) and publishes it; resolves with its id on PUBACK. */
  async send(type: UpMessageType, body: unknown, id?: string): Promise<Envelope> {
    const client = this.client;
    if (!client || !this.connected) throw new Error('link is offline');
    const envelope = this.sign(type, body, id);
    await this.publishRaw(
      client,
      upTopic(this.o.topicRoot, this.o.identity.chip, type),
      canonicalJson(envelope),
      false,
    );
    return envelope;
  }

  /**
   * Sends an arm.request with the given id and waits for its answer: ARM_REQUEST_TIMEOUT_MS per
   * attempt, ARM_REQUEST_RETRIES re-publications of the identical envelope, then 'timeout'.
   */
  requestArm(requestId: string, body: unknown): Promise<ArmAnswer> {
    const client = this.client;
    if (!client || !this.connected) return Promise.resolve({ kind: 'offline' });
    const envelope = this.sign('arm.request', body, requestId);
    const topic = upTopic(this.o.topicRoot, this.o.identity.chip, 'arm.request');
    const payload = canonicalJson(envelope);
    return new Promise<ArmAnswer>((resolve) => {
      const entry: PendingArm = { timer: null, resolve };
      this.pending.set(requestId, entry);
      let attempts = 0;
      const attempt = (): void => {
        if (this.pending.get(requestId) !== entry) return;
        if (attempts > ARM_REQUEST_RETRIES) return this.settle(requestId, { kind: 'timeout' });
        attempts++;
        const current = this.client;
        if (!current || !this.connected) return this.settle(requestId, { kind: 'offline' });
        this.publishRaw(current, topic, payload, false).catch((err: Error) =>
          this.o.log.warn('arm.request publish failed', { error: err.message }),
        );
        entry.timer = setTimeout(attempt, ARM_REQUEST_TIMEOUT_MS);
      };
      attempt();
    });
  }

  /**
   * Sends a cert.renew (docs §3.4) and waits for cert.issued / cert.denied: the same timing and
   * identical-envelope retries as an arm request (the server answers a retry with the same certificate).
   */
  requestCertificate(requestId: string, body: unknown): Promise<CertAnswer> {
    if (!this.client || !this.connected) return Promise.resolve({ kind: 'offline' });
    const payload = canonicalJson(this.sign('cert.renew', body, requestId));
    const topic = upTopic(this.o.topicRoot, this.o.identity.chip, 'cert.renew');
    return new Promise<CertAnswer>((resolve) => {
      const entry = { timer: null as NodeJS.Timeout | null, resolve };
      this.pendingCert.set(requestId, entry);
      let attempts = 0;
      const attempt = (): void => {
        if (this.pendingCert.get(requestId) !== entry) return;
        if (attempts > ARM_REQUEST_RETRIES) return this.settleCert(requestId, { kind: 'timeout' });
        attempts++;
        const current = this.client;
        if (!current || !this.connected) return this.settleCert(requestId, { kind: 'offline' });
        this.publishRaw(current, topic, payload, false).catch((err: Error) =>
          this.o.log.warn('cert.renew publish failed', { error: err.message }),
        );
        entry.timer = setTimeout(attempt, ARM_REQUEST_TIMEOUT_MS);
      };
      attempt();
    });
  }

  /**
   * Connects with another client certificate from now on (a renewed one): the current connection is
   * closed cleanly (no will, so the device is not reported offline) and the link reconnects at once.
   */
  useClientCertificate(certPem: string): void {
    if (!this.o.tls) throw new Error('the link has no TLS client certificate to replace');
    this.o.tls = { ...this.o.tls, cert: certPem };
    const client = this.client;
    if (!client || this.stopping) return;
    this.o.log.info('reconnecting with the renewed certificate');
    client.end(false, {}, () => undefined);
  }

  /** Drops a pending request (the attempt ended for another reason). */
  cancelRequest(requestId: string): void {
    this.settle(requestId, { kind: 'offline' });
  }

  /** Exposed for tests and the agent: processes one delivered MQTT message. */
  handleMessage(topic: string, payload: Buffer | string): void {
    const chip = this.o.identity.chip;
    const parsedTopic = parseTopic(this.o.topicRoot, topic, chip);
    if (!parsedTopic.ok || parsedTopic.direction !== 'down') {
      this.o.log.warn('message on an unexpected topic ignored', { topic });
      return;
    }
    const type = parsedTopic.type as DownMessageType;
    const parsed = parsePayload(payload);
    const rawId = parsed.ok ? (parsed.value as { id?: unknown } | null)?.id : undefined;
    const messageId = typeof rawId === 'string' && MESSAGE_ID_PATTERN.test(rawId) ? rawId : undefined;
    const reject = (reason: RejectedMessageReason): void => {
      this.o.log.warn('server message rejected', { type, messageId, reason });
      this.emit('rejected', { messageType: type, ...(messageId ? { messageId } : {}), reason });
    };
    if (!parsed.ok) return reject('malformed');
    const now = this.o.clock.now();
    this.pruneSeen(now);
    if (messageId && this.seen.has(messageId)) {
      this.o.log.debug('duplicate server message ignored', { type, messageId });
      return;
    }
    if (!this.o.serverPublicKey) return reject('bad_signature');
    const result = verifyServerMessage(parsed.value, {
      serverPublicKey: this.o.serverPublicKey,
      chip,
      type,
      now: new Date(now),
      ...(FRESHNESS_EXEMPT.includes(type) ? { checkFreshness: false } : {}),
    });
    if (!result.ok) return reject(result.failure);
    this.seen.set(result.message.id, now);
    const message = result.message;
    if (message.type === 'arm.grant' || message.type === 'arm.denied') {
      const requestId = message.body.requestId;
      if (this.pending.has(requestId)) {
        this.settle(requestId, message.type === 'arm.grant' ? { kind: 'grant', message } : { kind: 'denied', message });
        return;
      }
    }
    if (message.type === 'cert.issued' || message.type === 'cert.denied') {
      const requestId = message.body.requestId;
      if (this.pendingCert.has(requestId)) {
        this.settleCert(
          requestId,
          message.type === 'cert.issued' ? { kind: 'issued', message } : { kind: 'denied', message },
        );
        return;
      }
    }
    this.emit('message', message);
  }

  private sign(type: UpMessageType | 'status', body: unknown, id?: string): Envelope {
    const unsigned = createEnvelope(
      type,
      { chip: this.o.identity.chip, seq: this.o.nextSeq(), body, ...(id ? { id } : {}) },
      new Date(this.o.clock.now()),
    );
    return signEnvelope(this.o.identity.privateKey, unsigned as Envelope);
  }

  private offlineStatus(reason: 'will' | 'shutdown'): OfflineStatusMessage {
    return { v: 1, type: 'status', chip: this.o.identity.chip, body: { online: false, reason } };
  }

  private connectOnce(): void {
    const { identity, topicRoot } = this.o;
    const options: MqttConnectOptions = {
      clientId: identity.chip,
      username: identity.chip,
      password: makeConnectToken(identity.privateKey, new Date(this.o.clock.now())),
      clean: true,
      keepalive: MQTT_KEEPALIVE_S,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      will: {
        topic: statusTopic(topicRoot, identity.chip),
        payload: canonicalJson(this.offlineStatus('will')),
        qos: 1,
        retain: true,
      },
      // With mutual TLS the broker takes the identity from the certificate (CN = chip id); the token
      // still goes along, so one configuration serves brokers of both kinds.
      ...(this.o.tls ? { ...this.o.tls, rejectUnauthorized: true as const } : {}),
    };
    const client = this.o.connect(this.o.url, options);
    this.client = client;
    let closed = false;
    client.on('connect', () => {
      this.onConnect(client).catch((err: Error) => {
        this.o.log.warn('connection set-up failed', { error: err.message });
        client.end(true, {}, () => undefined);
      });
    });
    client.on('message', (topic, payload) => {
      if (this.client === client) this.handleMessage(topic, payload);
    });
    client.on('error', (err) => this.o.log.warn('mqtt error', { error: err.message }));
    client.on('close', () => {
      if (closed) return;
      closed = true;
      this.onClose(client);
    });
  }

  private async onConnect(client: MqttClientLike): Promise<void> {
    const filter = deviceDownFilter(this.o.topicRoot, this.o.identity.chip);
    const granted = await new Promise<{ qos: number }[]>((resolve, reject) =>
      client.subscribe(filter, { qos: 1 }, (err, g) => (err ? reject(err) : resolve(g ?? []))),
    );
    if (granted.some((g) => g.qos === 128)) throw new Error(`subscription to ${filter} refused`);
    if (this.client !== client) return;
    await this.publishStatusOn(client);
    this.attempt = 0;
    this.connected = true;
    this.o.log.info('connected to the broker', { url: this.o.url });
    this.emit('online');
  }

  private onClose(client: MqttClientLike): void {
    if (this.client !== client) return;
    client.removeAllListeners();
    client.on('error', () => undefined);
    this.client = null;
    const wasOnline = this.connected;
    this.connected = false;
    this.settleAll({ kind: 'offline' });
    if (wasOnline) {
      this.o.log.warn('disconnected from the broker');
      this.emit('offline');
    }
    if (this.stopping) return;
    const delay = reconnectDelayMs(this.attempt++, (this.o.random ?? Math.random)());
    this.o.log.info('reconnecting', { inMs: delay, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopping) this.connectOnce();
    }, delay);
  }

  private async publishStatusOn(client: MqttClientLike): Promise<void> {
    const faults = this.o.faults?.();
    const envelope = this.sign('status', {
      online: true,
      state: this.o.state(),
      machineKind: this.o.machineKind,
      firmware: this.o.firmware,
      protocol: 1,
      ...(faults ? { faults } : {}),
    });
    await this.publishRaw(client, statusTopic(this.o.topicRoot, this.o.identity.chip), canonicalJson(envelope), true);
  }

  private publishRaw(client: MqttClientLike, topic: string, payload: string, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) =>
      client.publish(topic, payload, { qos: 1, retain }, (err) => (err ? reject(err) : resolve())),
    );
  }

  private settle(requestId: string, answer: ArmAnswer): void {
    const entry = this.pending.get(requestId);
    if (!entry) return;
    this.pending.delete(requestId);
    if (entry.timer) clearTimeout(entry.timer);
    entry.resolve(answer);
  }

  private settleAll(answer: ArmAnswer & { kind: 'offline' }): void {
    [...this.pending.keys()].forEach((id) => this.settle(id, answer));
    [...this.pendingCert.keys()].forEach((id) => this.settleCert(id, answer));
  }

  private settleCert(requestId: string, answer: CertAnswer): void {
    const entry = this.pendingCert.get(requestId);
    if (!entry) return;
    this.pendingCert.delete(requestId);
    if (entry.timer) clearTimeout(entry.timer);
    entry.resolve(answer);
  }

  private pruneSeen(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at <= SERVER_MESSAGE_DEDUP_MS) break;
      this.seen.delete(id);
    }
  }
}
