import {
  ArmRequestBody,
  ChipKeyPair,
  createEnvelope,
  deviceDownFilter,
  Envelope,
  generateChipKeyPair,
  makeConnectToken,
  MessageType,
  newNonce,
  Position,
  signEnvelope,
  statusTopic,
  upTopic,
} from '@arcgate/protocol';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import type { TestApp } from '../../../test-support/test-app';
import { FakeClock } from '../../common/clock/clock';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../../mqtt/mqtt-connection';
import { cst, DemoIds, permitBody, STEEL_SITE } from '../../permits/testing/permit-fixtures';

/**
 * Acting as a device and as a hot-work applicant in the authorization tests. Free of test-runner
 * imports so that it type-checks with the app.
 */
export const at9 = () => cst(5, '09:00');

export function fix(clock: FakeClock, over: Partial<Position> = {}): Position {
  return { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 5, fixAt: clock.now().toISOString(), ...over };
}

/** An approved 二级 permit (with a passing gas analysis at 08:50) through the permit API. */
export async function approvedPermit(
  t: TestApp,
  clock: FakeClock,
  ids: DemoIds,
  over: Record<string, unknown> = {},
  opts: { gas?: boolean } = {},
): Promise<string> {
  const saved = clock.now();
  clock.set(cst(5, '08:00'));
  try {
    const post = async (user: string, url: string, body: object = {}) => {
      const res = await t.http
        .post(url)
        .set(await t.auth(user))
        .send(body);
      if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string };
    };
    const { id } = await post('hengda.admin', '/api/permits', permitBody(ids, over));
    await post('hengda.admin', `/api/permits/${id}/submit`);
    await post('hengda.foreman', `/api/permits/${id}/approve`, { remark: '同意' });
    if (opts.gas !== false) {
      clock.set(cst(5, '08:55'));
      await post('hengda.admin', `/api/permits/${id}/gas-analyses`, {
        takenAt: cst(5, '08:50'),
        gas: '甲烷',
        lelPercent: 5,
        readingPercentVol: 0.2,
        analyst: '李分析',
      });
    }
    return id;
  } finally {
    clock.set(saved);
  }
}

export async function draftPermit(t: TestApp, ids: DemoIds, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http
    .post('/api/permits')
    .set(await t.auth('hengda.admin'))
    .send(permitBody(ids, over));
  if (res.status !== 201) throw new Error(`draft permit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function bindNewChip(t: TestApp, machineId: string): Promise<ChipKeyPair> {
  const chip = generateChipKeyPair();
  const res = await t.http
    .post(`/api/machines/${machineId}/chip`)
    .set(await t.auth('hengda.admin'))
    .send({ chipId: chip.chip, publicKey: chip.publicKeyRaw });
  if (res.status !== 200) throw new Error(`bind: ${res.status} ${JSON.stringify(res.body)}`);
  return chip;
}

export async function activeCode(t: TestApp, subjectId: string): Promise<string> {
  const rows: { code: string }[] = await t.ds.query(
    `SELECT code FROM identity_codes WHERE subject_id = $1 AND status = 'active'`,
    [subjectId],
  );
  if (!rows[0]) throw new Error(`no active code for ${subjectId}`);
  return rows[0].code;
}

export async function waitUntil<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 8000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Down = { topic: string; message: Envelope<MessageType, Record<string, any>> };

/** A fake device: connects with a connect token at the fake clock's time, signs its messages, collects what comes down. */
export class FakeDevice {
  readonly received: Down[] = [];
  private seq = 0;
  client!: MqttClient;

  constructor(
    private readonly t: TestApp,
    private readonly clock: FakeClock,
    readonly chip: ChipKeyPair,
  ) {}

  get root(): string {
    return this.t.config.mqtt.topicRoot;
  }

  /** `over`: another broker URL and options (mutual TLS: the chip's certificate, key and CA). */
  async connect(over: IClientOptions & { url?: string } = {}): Promise<this> {
    const { url, ...options } = over;
    this.client = await mqtt.connectAsync(url ?? this.t.config.mqtt.url, {
      clientId: this.chip.chip,
      username: this.chip.chip,
      password: makeConnectToken(this.chip.privateKey, this.clock.now()),
      reconnectPeriod: 0,
      connectTimeout: 5000,
      will: {
        topic: statusTopic(this.root, this.chip.chip),
        payload: Buffer.from(
          JSON.stringify({ v: 1, type: 'status', chip: this.chip.chip, body: { online: false, reason: 'will' } }),
        ),
        qos: 1,
        retain: true,
      },
      ...options,
    });
    this.client.on('message', (topic, payload) =>
      this.received.push({ topic, message: JSON.parse(payload.toString('utf8')) }),
    );
    await this.client.subscribeAsync(deviceDownFilter(this.root, this.chip.chip), { qos: 1 });
    return this;
  }

  async online(): Promise<void> {
    await this.publishSigned(
      'status',
      { online: true, state: 'locked', machineKind: 'electric_arc', firmware: 'test-agent 1.0', protocol: 1 },
      statusTopic(this.root, this.chip.chip),
      true,
    );
  }

  /** Graceful: says offline, then disconnects. */
  async offline(): Promise<void> {
    await this.client.publishAsync(
      statusTopic(this.root, this.chip.chip),
      JSON.stringify({ v: 1, type: 'status', chip: this.chip.chip, body: { online: false, reason: 'shutdown' } }),
      { qos: 1, retain: true },
    );
    await this.client.endAsync();
  }

  /** The device's one message counter (§5.3): every envelope it signs, of any type, takes the next seq. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** The same device after a reconnect: a new connection, the same persistent message counter. */
  async reconnected(): Promise<FakeDevice> {
    const again = new FakeDevice(this.t, this.clock, this.chip);
    again.seq = this.seq;
    return again.connect();
  }

  signed(type: 'arm.request' | 'status', body: object, over: { ts?: Date; seq?: number } = {}): Envelope {
    return signEnvelope(
      this.chip.privateKey,
      createEnvelope(
        type,
        { chip: this.chip.chip, body, seq: over.seq ?? ++this.seq },
        over.ts ?? this.clock.now(),
      ) as Envelope,
    );
  }

  async publishSigned(
    type: 'arm.request' | 'status',
    body: object,
    topic = upTopic(this.root, this.chip.chip, 'arm.request'),
    retain = false,
  ): Promise<Envelope> {
    const env = this.signed(type, body);
    await this.client.publishAsync(topic, JSON.stringify(env), { qos: 1, retain });
    return env;
  }

  armBody(credential: ArmRequestBody['credential'], over: Partial<ArmRequestBody> = {}): ArmRequestBody {
    return { nonce: newNonce(), credential, position: fix(this.clock), machineKind: 'electric_arc', ...over };
  }

  /** Publishes an arm.request (or an exact envelope) and waits for the answer to it. */
  async arm(body: ArmRequestBody | Envelope): Promise<{ request: Envelope; answer: Down['message'] }> {
    const request = 'sig' in body ? body : this.signed('arm.request', body);
    await this.client.publishAsync(upTopic(this.root, this.chip.chip, 'arm.request'), JSON.stringify(request), {
      qos: 1,
    });
    const answer = await this.next(
      (topic, m) => /down\/arm\.(grant|denied)$/.test(topic) && m.body.requestId === request.id,
    );
    return { request, answer };
  }

  next(match: (topic: string, m: Down['message']) => boolean, timeoutMs = 8000, from = 0): Promise<Down['message']> {
    return waitUntil(
      async () => this.received.slice(from).find((r) => match(r.topic, r.message))?.message,
      timeoutMs,
      `down message to ${this.chip.chip}`,
    );
  }

  async close(): Promise<void> {
    if (this.client?.connected) await this.client.endAsync(true);
  }
}

/** Sees every server→device message of the deployment (connects as the server). */
export async function observeDown(t: TestApp): Promise<{ client: MqttClient; received: Down[] }> {
  const client = await mqtt.connectAsync(t.config.mqtt.url, {
    clientId: `observer-${Math.random().toString(36).slice(2, 8)}`,
    username: SERVER_MQTT_USERNAME,
    password: serverMqttPassword(t.config),
    reconnectPeriod: 0,
  });
  const received: Down[] = [];
  client.on('message', (topic, payload) => received.push({ topic, message: JSON.parse(payload.toString('utf8')) }));
  await client.subscribeAsync(`${t.config.mqtt.topicRoot}/d/+/down/#`, { qos: 1 });
  return { client, received };
}
