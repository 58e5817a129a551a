/**
 * Component-test harness: a real aedes broker (authenticating devices with their connect token),
 * a TCP proxy between agent and broker that can cut the network, and a tiny fake platform server
 * that verifies every device message with the protocol library, answers arm requests with signed
 * grants, acknowledges events and stores each (chip, seq) once.
 */
import { KeyObject } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import * as mqtt from 'mqtt';
import {
  ArmRequestMessage,
  canonicalJson,
  createEnvelope,
  DeviceEvent,
  downTopic,
  EventBatchMessage,
  generateChipKeyPair,
  MessageType,
  openDeviceMessage,
  parseTopic,
  publicKeyToBase64Url,
  ReasonCode,
  reasonMessage,
  serverStatusFilter,
  serverUpFilter,
  signEnvelope,
  verifyConnectToken,
} from '@arcgate/protocol';

type AedesBroker = {
  handle: (socket: Socket) => void;
  close(cb: () => void): void;
  authenticate: (
    client: { id: string },
    username: string | undefined,
    password: Buffer | undefined,
    done: (err: Error | null, ok: boolean) => void,
  ) => void;
};
// aedes is a dependency of the server workspace; the test borrows it from there.
const aedesPath = require.resolve('aedes', { paths: [join(__dirname, '../../../server')] });
const { createBroker } = require(aedesPath) as { createBroker: () => AedesBroker };

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

export class TestBroker {
  readonly aedes = createBroker();
  private readonly server = createServer(this.aedes.handle);
  port = 0;
  /** chip → public key (base64url) of the devices allowed in. */
  readonly devices = new Map<string, string>();
  readonly refused: string[] = [];

  async start(): Promise<string> {
    this.aedes.authenticate = (client, username, password, done) => {
      if (username === 'arcgate-server') return done(null, true);
      const key = username ? this.devices.get(username) : undefined;
      const ok =
        !!key &&
        client.id === username &&
        verifyConnectToken(password?.toString('utf8'), key, new Date(), { username }).ok;
      if (!ok) this.refused.push(String(username));
      const err = ok ? null : Object.assign(new Error('bad credentials'), { returnCode: 4 });
      done(err, ok);
    };
    this.port = await listen(this.server);
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Forwards TCP to the broker; cut() drops every connection and refuses new ones until restore(). */
export class NetworkProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private isCut = false;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      if (this.isCut) return void client.destroy();
      const upstream = new Socket();
      upstream.connect(this.targetPort, '127.0.0.1');
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
  }

  async start(): Promise<string> {
    this.port = await listen(this.server);
    return `mqtt://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.isCut = true;
    this.sockets.forEach((s) => s.destroy());
  }

  restore(): void {
    this.isCut = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedRequest {
  message: ArmRequestMessage;
}

export class FakePlatform {
  private client: mqtt.MqttClient | null = null;
  private readonly key: KeyObject = generateChipKeyPair().privateKey;
  readonly publicKey = publicKeyToBase64Url(this.key);
  /** (seq → event) per chip; the first copy is stored, later copies only counted. */
  readonly stored = new Map<number, DeviceEvent>();
  /** How often each seq arrived (QoS 1 and re-sends may repeat; storage happens once). */
  readonly deliveries = new Map<number, number>();
  readonly requests: ArmRequestMessage[] = [];
  readonly statuses: { online: boolean; state?: string }[] = [];
  /** Every device message that failed verification (must stay empty). */
  readonly invalid: string[] = [];
  answerWith: 'grant' | 'deny' | 'silence' = 'grant';
  grantLifetimeMs = 3_600_000;
  grantCount = 0;

  constructor(
    private readonly root: string,
    private readonly devicePublicKey: () => string,
  ) {}

  async start(url: string): Promise<void> {
    const client = mqtt.connect(url, {
      clientId: 'arcgate-server',
      username: 'arcgate-server',
      reconnectPeriod: 200,
      clean: true,
    });
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync([serverUpFilter(this.root), serverStatusFilter(this.root)], { qos: 1 });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
  }

  /** Stored events of a type, in seq order. */
  events<T extends DeviceEvent['type']>(type: T): Extract<DeviceEvent, { type: T }>[] {
    return [...this.stored.values()]
      .filter((e): e is Extract<DeviceEvent, { type: T }> => e.type === type)
      .sort((a, b) => a.seq - b.seq);
  }

  async send(chip: string, type: MessageType, body: unknown): Promise<void> {
    const envelope = signEnvelope(this.key, createEnvelope(type, { chip, body }, new Date()) as never);
    await this.client!.publishAsync(downTopic(this.root, chip, type as never), canonicalJson(envelope), { qos: 1 });
  }

  async revoke(chip: string, grantId?: string): Promise<void> {
    await this.send(chip, 'grant.revoke', {
      ...(grantId ? { grantId } : {}),
      reason: ReasonCode.REGULATOR_ORDER,
      message: reasonMessage(ReasonCode.REGULATOR_ORDER),
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(this.root, topic);
    if (!parsed.ok) return void this.invalid.push(`topic ${topic}`);
    const opened = openDeviceMessage(payload, {
      chip: parsed.chip,
      type: parsed.type,
      publicKey: this.devicePublicKey(),
      now: new Date(),
      checkFreshness: parsed.type !== 'status',
    });
    if (!opened.ok)
      return void this.invalid.push(`${parsed.type}: ${opened.reason} ${JSON.stringify(opened.problems)}`);
    const message = opened.message;
    if (message.type === 'status') this.statuses.push(message.body);
    else if (message.type === 'arm.request') void this.onArmRequest(message);
    else if (message.type === 'events') void this.onEvents(message);
  }

  private async onArmRequest(request: ArmRequestMessage): Promise<void> {
    this.requests.push(request);
    if (this.answerWith === 'silence') return;
    if (this.answerWith === 'deny') {
      await this.send(request.chip, 'arm.denied', {
        requestId: request.id,
        reason: ReasonCode.PERMIT_NOT_APPROVED,
        message: reasonMessage(ReasonCode.PERMIT_NOT_APPROVED),
      });
      return;
    }
    const now = Date.now();
    this.grantCount++;
    await this.send(request.chip, 'arm.grant', {
      grantId: `grant-${this.grantCount}`,
      requestId: request.id,
      chip: request.chip,
      machineId: 'machine-1',
      welderId: 'welder-1',
      permitId: 'permit-1',
      nonce: request.body.nonce,
      issuedAt: new Date(now).toISOString(),
      notBefore: new Date(now).toISOString(),
      expiresAt: new Date(now + this.grantLifetimeMs).toISOString(),
      welderName: '张*',
    });
  }

  private async onEvents(batch: EventBatchMessage): Promise<void> {
    for (const event of batch.body.events) {
      this.deliveries.set(event.seq, (this.deliveries.get(event.seq) ?? 0) + 1);
      if (!this.stored.has(event.seq)) this.stored.set(event.seq, event);
    }
    let upTo = 0;
    while (this.stored.has(upTo + 1)) upTo++;
    const missing = [...this.stored.keys()].filter((s) => s > upTo).length
      ? range(upTo + 1, Math.max(...this.stored.keys())).filter((s) => !this.stored.has(s))
      : [];
    await this.send(batch.chip, 'events.ack', {
      requestId: batch.id,
      upToSeq: upTo,
      ...(missing.length ? { missing: missing.slice(0, 1000) } : {}),
    });
  }
}

/** Someone with broker access but without the server key publishes a revoke-all to a chip. */
export async function publishForgedRevoke(url: string, root: string, chip: string): Promise<void> {
  const key = generateChipKeyPair().privateKey;
  const client = await mqtt.connectAsync(url, { clientId: 'forger', username: 'arcgate-server', reconnectPeriod: 0 });
  const envelope = signEnvelope(
    key,
    createEnvelope(
      'grant.revoke',
      { chip, body: { reason: ReasonCode.REGULATOR_ORDER, message: reasonMessage(ReasonCode.REGULATOR_ORDER) } },
      new Date(),
    ) as never,
  );
  await client.publishAsync(downTopic(root, chip, 'grant.revoke'), canonicalJson(envelope), { qos: 1 });
  await client.endAsync();
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
