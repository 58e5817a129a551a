import {
  createEnvelope,
  deviceDownFilter,
  Envelope,
  makeConnectToken,
  MQTT_KEEPALIVE_S,
  signEnvelope,
  statusTopic,
  upTopic,
} from '@arcgate/protocol';
import mqtt, { MqttClient } from 'mqtt';
import { performance } from 'node:perf_hooks';
import { BenchDevice } from './provision';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DownMessage = { type: string; id?: string; chip?: string; body?: any; [k: string]: unknown };
export type Waiter = (message: DownMessage, receivedAt: number) => void;

export interface DeviceCounters {
  unexpected: number;
  /** Down messages nobody waited for, by type (late answers after a time-out, revokes, ...). */
  unexpectedByType: Record<string, number>;
  malformed: number;
  closes: number;
}

/**
 * A simulated chip: its own MQTT connection with a fresh connect token, the protocol's will and
 * subscriptions, and envelopes signed with its key exactly as the device agent signs them. Down
 * messages are matched to whoever waits for them by `requestId` (answers) or `floor` (broker probes).
 */
export class SimDevice {
  client!: MqttClient;
  private msgSeq = 0;
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    readonly spec: BenchDevice,
    private readonly root: string,
    private readonly counters: DeviceCounters,
  ) {}

  get chip(): string {
    return this.spec.key.chip;
  }

  async connect(url: string): Promise<void> {
    const offline = JSON.stringify({ v: 1, type: 'status', chip: this.chip, body: { online: false, reason: 'will' } });
    this.client = await mqtt.connectAsync(url, {
      clientId: this.chip,
      username: this.chip,
      password: makeConnectToken(this.spec.key.privateKey, new Date()),
      protocolVersion: 4,
      clean: true,
      keepalive: MQTT_KEEPALIVE_S,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      will: { topic: statusTopic(this.root, this.chip), payload: Buffer.from(offline), qos: 1, retain: true },
    });
    this.client.on('message', (_topic, payload) => this.onMessage(payload));
    this.client.on('close', () => this.counters.closes++);
    await this.client.subscribeAsync(deviceDownFilter(this.root, this.chip), { qos: 1 });
    const online = this.sign('status', {
      online: true,
      state: 'locked',
      machineKind: 'electric_arc',
      firmware: 'arcgate-bench 1.0',
      protocol: 1,
    });
    await this.client.publishAsync(statusTopic(this.root, this.chip), JSON.stringify(online), { qos: 1, retain: true });
  }

  /** Signs a new envelope (next message seq) with the chip key. */
  sign<B>(type: 'status' | 'arm.request' | 'events', body: B, at = new Date()): Envelope {
    return signEnvelope(
      this.spec.key.privateKey,
      createEnvelope(type, { chip: this.chip, body, seq: ++this.msgSeq }, at) as Envelope,
    );
  }

  /** Publishes a prepared envelope (QoS 1) and calls `onAnswer` when the message answering `key` comes down. Returns the publish instant. */
  send(type: 'arm.request' | 'events', payload: string, key: string, onAnswer: Waiter): number {
    this.waiting.set(key, onAnswer);
    const t0 = performance.now();
    this.client.publish(upTopic(this.root, this.chip, type), payload, { qos: 1 });
    return t0;
  }

  expect(key: string, onAnswer: Waiter): void {
    this.waiting.set(key, onAnswer);
  }

  forget(key: string): void {
    this.waiting.delete(key);
  }

  private onMessage(payload: Buffer): void {
    const at = performance.now();
    let m: DownMessage;
    try {
      m = JSON.parse(payload.toString('utf8')) as DownMessage;
    } catch {
      this.counters.malformed++;
      return;
    }
    const key = typeof m.floor === 'string' ? m.floor : m.body?.requestId;
    const w = typeof key === 'string' ? this.waiting.get(key) : undefined;
    if (!w) {
      this.counters.unexpected++;
      this.counters.unexpectedByType[m.type] = (this.counters.unexpectedByType[m.type] ?? 0) + 1;
      return;
    }
    this.waiting.delete(key);
    w(m, at);
  }

  async close(): Promise<void> {
    if (!this.client) return;
    const offline = JSON.stringify({
      v: 1,
      type: 'status',
      chip: this.chip,
      body: { online: false, reason: 'shutdown' },
    });
    if (this.client.connected)
      await this.client
        .publishAsync(statusTopic(this.root, this.chip), offline, { qos: 1, retain: true })
        .catch(() => undefined);
    await this.client.endAsync(true).catch(() => undefined);
  }
}
