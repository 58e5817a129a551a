/**
 * A device at the protocol level on mutual TLS: its chip key is its TLS key, the certificate is the
 * one ArcGate issued at binding. It does what the device agent's link does (device-agent link.ts), and
 * no more: an unanswered arm.request is re-sent unchanged every ARM_REQUEST_TIMEOUT_MS, at most
 * ARM_REQUEST_RETRIES times; an events batch is re-sent unchanged until an events.ack covers it.
 * Cheap enough to run many of them beside two server processes on a 2-core machine.
 */
import {
  ARM_REQUEST_RETRIES,
  ARM_REQUEST_TIMEOUT_MS,
  ArmRequestBody,
  ChipKeyPair,
  createEnvelope,
  deviceDownFilter,
  Envelope,
  EVENTS_ACK_TIMEOUT_MS,
  MQTT_KEEPALIVE_S,
  newNonce,
  signEnvelope,
  statusTopic,
  upTopic,
} from '@arcgate/protocol';
import mqtt, { MqttClient } from 'mqtt';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Down = { type: string; id: string; body: any };

export interface ArmOutcome {
  requestId: string;
  nonce: string;
  sentAt: number;
  /** How many times the identical envelope went out (1 = answered without a retry). */
  sends: number;
  answeredAt: number | null;
  /** Every answer received for this request id (more than one only if a replica answered twice). */
  answers: Down[];
}

export class MtlsDevice {
  readonly received: Down[] = [];
  private client: MqttClient | null = null;
  private seq = 0;
  private readonly waiters = new Map<string, (m: Down) => void>();

  constructor(
    readonly key: ChipKeyPair,
    private readonly url: string,
    private readonly root: string,
    private readonly tls: { ca: string; cert: string },
  ) {}

  get chip(): string {
    return this.key.chip;
  }

  async connect(): Promise<void> {
    const offline = JSON.stringify({ v: 1, type: 'status', chip: this.chip, body: { online: false, reason: 'will' } });
    const client = await mqtt.connectAsync(this.url, {
      clientId: this.chip,
      clean: true,
      keepalive: MQTT_KEEPALIVE_S,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ca: this.tls.ca,
      cert: this.tls.cert,
      key: this.key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      rejectUnauthorized: true,
      will: { topic: statusTopic(this.root, this.chip), payload: Buffer.from(offline), qos: 1, retain: true },
    });
    client.on('error', () => undefined);
    client.on('message', (_t, payload) => {
      let m: Down;
      try {
        m = JSON.parse(payload.toString('utf8')) as Down;
      } catch {
        return;
      }
      this.received.push(m);
      const key = m.body?.requestId as string | undefined;
      if (key) this.waiters.get(key)?.(m);
    });
    await client.subscribeAsync(deviceDownFilter(this.root, this.chip), { qos: 1 });
    this.client = client;
    const online = this.sign('status', {
      online: true,
      state: 'locked',
      machineKind: 'electric_arc',
      firmware: 'arcgate-replica-test 1.0',
      protocol: 1,
    });
    await client.publishAsync(statusTopic(this.root, this.chip), JSON.stringify(online), { qos: 1, retain: true });
  }

  private sign<B>(type: 'status' | 'arm.request' | 'events', body: B): Envelope {
    return signEnvelope(
      this.key.privateKey,
      createEnvelope(type, { chip: this.chip, body, seq: ++this.seq }, new Date()) as Envelope,
    );
  }

  private get mqtt(): MqttClient {
    if (!this.client) throw new Error(`${this.chip}: not connected`);
    return this.client;
  }

  /**
   * One arm request with the welder's code, re-sent unchanged until answered or out of retries
   * (as the agent: then it gives up and its relay stays open). Every answer is kept.
   */
  arm(code: string, permitId: string, site: { lat: number; lng: number }): Promise<ArmOutcome> {
    const body: ArmRequestBody = {
      nonce: newNonce(),
      credential: { kind: 'welder_code', code },
      permitId,
      position: { lat: site.lat, lng: site.lng, accuracyM: 5, fixAt: new Date().toISOString() },
      machineKind: 'electric_arc',
    };
    const env = this.sign('arm.request', body);
    const payload = JSON.stringify(env);
    const out: ArmOutcome = {
      requestId: env.id,
      nonce: body.nonce,
      sentAt: Date.now(),
      sends: 0,
      answeredAt: null,
      answers: [],
    };
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const send = () => {
        if (out.sends > ARM_REQUEST_RETRIES) return finish();
        out.sends++;
        this.mqtt.publish(upTopic(this.root, this.chip, 'arm.request'), payload, { qos: 1 });
        timer = setTimeout(send, ARM_REQUEST_TIMEOUT_MS);
      };
      const finish = () => {
        clearTimeout(timer);
        // Late or duplicate answers keep arriving into out.answers for a while after this.
        setTimeout(() => this.waiters.delete(env.id), 4 * ARM_REQUEST_TIMEOUT_MS).unref();
        resolve(out);
      };
      this.waiters.set(env.id, (m) => {
        if (m.type !== 'arm.grant' && m.type !== 'arm.denied') return;
        out.answers.push(m);
        if (out.answeredAt === null) {
          out.answeredAt = Date.now();
          finish();
        }
      });
      send();
    });
  }

  /** Sends one batch of journalled events, re-sent unchanged every EVENTS_ACK_TIMEOUT_MS until acknowledged. */
  sendEvents(events: object[], lastSeq: number, deadlineMs: number): Promise<{ acked: boolean; sends: number }> {
    const env = this.sign('events', { events });
    const payload = JSON.stringify(env);
    let sends = 0;
    const until = Date.now() + deadlineMs;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const send = () => {
        if (Date.now() > until) return done(false);
        sends++;
        this.mqtt.publish(upTopic(this.root, this.chip, 'events'), payload, { qos: 1 });
        timer = setTimeout(send, EVENTS_ACK_TIMEOUT_MS);
      };
      const done = (acked: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(env.id);
        resolve({ acked, sends });
      };
      this.waiters.set(env.id, (m) => {
        if (m.type === 'events.ack' && Number(m.body?.upToSeq) >= lastSeq) done(true);
      });
      send();
    });
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
    this.client = null;
  }
}
