/**
 * A hostile (or broken) device, written against docs/protocol.md only: it holds a genuine bound
 * chip key and a broker connection, and does with its messages what an honest agent never would —
 * reuse seqs, lie about the time, flood, send text no database can store, break the body rules,
 * publish oversized or malformed payloads and aim at topics that are not its own. Connection-level
 * attacks (client-id takeover, token replay) live in another helper.
 */
import {
  ChipKeyPair,
  createEnvelope,
  deviceDownFilter,
  Envelope,
  generateChipKeyPair,
  makeConnectToken,
  MessageType,
  signEnvelope,
  statusTopic,
  upTopic,
} from '@arcgate/protocol';
import mqtt, { MqttClient } from 'mqtt';

export type UpType = 'status' | 'arm.request' | 'events';

export interface Received {
  topic: string;
  message: Envelope;
  at: number;
}

export class HostileDevice {
  readonly key: ChipKeyPair;
  readonly received: Received[] = [];
  private client: MqttClient | null = null;
  /** The message counter it would keep if it were honest; attacks pick their own seq. */
  seq = 0;

  constructor(
    private readonly brokerUrl: string,
    private readonly root: string,
    key: ChipKeyPair = generateChipKeyPair(),
  ) {
    this.key = key;
  }

  get chip(): string {
    return this.key.chip;
  }

  get connected(): boolean {
    return !!this.client?.connected;
  }

  /** Connects as its own chip (client id = username = chip id, a fresh connect token) and subscribes to its down topics. */
  async connect(): Promise<void> {
    await this.close();
    const client = await mqtt.connectAsync(this.brokerUrl, {
      clientId: this.chip,
      username: this.chip,
      password: makeConnectToken(this.key.privateKey, new Date()),
      reconnectPeriod: 0,
      connectTimeout: 5000,
      clean: true,
    });
    client.on('message', (topic, payload) => {
      try {
        this.received.push({ topic, message: JSON.parse(payload.toString('utf8')) as Envelope, at: Date.now() });
      } catch {
        // the server only sends JSON; anything else is not ours to judge here
      }
    });
    client.on('error', () => undefined);
    await client.subscribeAsync(deviceDownFilter(this.root, this.chip), { qos: 1 });
    this.client = client;
  }

  /** A correctly signed envelope of its own chip; `seq`, `ts` and `id` may be forced. */
  message<B>(type: MessageType, body: B, over: { seq?: number; ts?: Date; id?: string } = {}): Envelope {
    return signEnvelope(
      this.key.privateKey,
      createEnvelope(
        type,
        { chip: this.chip, body, seq: over.seq ?? ++this.seq, ...(over.id ? { id: over.id } : {}) },
        over.ts ?? new Date(),
      ) as Envelope,
    );
  }

  topicOf(type: UpType, chip = this.chip): string {
    return type === 'status' ? statusTopic(this.root, chip) : upTopic(this.root, chip, type);
  }

  /** Publishes at QoS 1 and waits for the broker's PUBACK (or the connection closing). */
  async publish(type: UpType, payload: Envelope | string | Buffer, topic = this.topicOf(type)): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('not connected');
    const body = Buffer.isBuffer(payload) ? payload : typeof payload === 'string' ? payload : JSON.stringify(payload);
    await client.publishAsync(topic, body, { qos: 1 });
  }

  /** Publishes anywhere; resolves with whether the broker kept the connection open afterwards. */
  async publishTo(topic: string, payload: string): Promise<{ stillConnected: boolean }> {
    const client = this.client;
    if (!client) throw new Error('not connected');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await Promise.race([client.publishAsync(topic, payload, { qos: 1 }).catch(() => undefined), closed]);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 300))]);
    return { stillConnected: client.connected };
  }

  /** Tries to subscribe; resolves with whether the broker granted it. */
  async trySubscribe(filter: string): Promise<boolean> {
    const client = this.client;
    if (!client) throw new Error('not connected');
    try {
      const granted = await client.subscribeAsync(filter, { qos: 1 });
      return granted.every((g) => g.qos !== 128);
    } catch {
      return false;
    }
  }

  answersTo(id: string): Received[] {
    return this.received.filter((r) => (r.message.body as { requestId?: string } | undefined)?.requestId === id);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true).catch(() => undefined);
  }
}
