import {
  ChipKeyPair,
  createEnvelope,
  deviceDownFilter,
  DeviceEvent,
  Envelope,
  generateChipKeyPair,
  makeConnectToken,
  MessageType,
  ReasonCode,
  signEnvelope,
  statusTopic,
  upTopic,
} from '@arcgate/protocol';
import mqtt, { MqttClient } from 'mqtt';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { DeviceAlerts } from '../device-core/device-alerts';
import { DeviceGateway } from './device-gateway';
import { DEVICE_RATE_LIMITS } from './rate-limiter';

/**
 * What a bound, correctly signing but hostile or broken device can do with its messages (issue 12):
 * reuse a seq, send stale envelopes, send text no database can store, break the body rules, flood.
 * Real broker, real PostgreSQL.
 */

interface Dev {
  chip: ChipKeyPair;
  client: MqttClient;
  received: { topic: string; message: Envelope }[];
  seq: number;
  msg<B>(type: MessageType, body: B, over?: { seq?: number; ts?: Date; id?: string }): Envelope;
  next(match: (topic: string, m: Envelope) => boolean, timeoutMs?: number): Promise<Envelope>;
}

async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const heartbeat = (seq: number, at = new Date().toISOString()): DeviceEvent => ({
  seq,
  type: 'heartbeat',
  at,
  position: null,
  relayClosed: false,
  state: 'locked',
});
const armBody = (nonce: string) => ({
  nonce,
  credential: { kind: 'welder_code', code: 'W0123456789ABCDEFGHJKM' },
  position: null,
  machineKind: 'electric_arc',
});
// 22 base64url characters = 16 bytes; the last one must leave the spare bits zero (A).
const nonceOf = (n: number) => `nonce${String(n).padStart(16, '0')}A`;

describe('hostile device messages (real broker and database)', () => {
  let t: TestApp;
  let root: string;
  const devs: Dev[] = [];

  let serial = 0;
  async function bindAndConnect(): Promise<Dev> {
    const chip = generateChipKeyPair();
    const made = await t.http
      .post('/api/machines')
      .set(await t.auth('hengda.admin'))
      .send({
        name: '测试焊机',
        kind: 'electric_arc',
        manufacturer: '瑞凌',
        model: 'ZX7-400',
        serialNumber: `HOSTILE-${process.pid}-${++serial}`,
        ratedInputKva: 15.5,
      });
    expect(made.status).toBe(201);
    const m = made.body as { id: string };
    const res = await t.http
      .post(`/api/machines/${m.id}/chip`)
      .set(await t.auth('hengda.admin'))
      .send({ chipId: chip.chip, publicKey: chip.publicKeyRaw });
    expect(res.status).toBe(200);
    const client = await mqtt.connectAsync(t.config.mqtt.url, {
      clientId: chip.chip,
      username: chip.chip,
      password: makeConnectToken(chip.privateKey, new Date()),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    const received: Dev['received'] = [];
    client.on('message', (topic, payload) =>
      received.push({ topic, message: JSON.parse(payload.toString('utf8')) as Envelope }),
    );
    await client.subscribeAsync(deviceDownFilter(root, chip.chip), { qos: 1 });
    const d: Dev = {
      chip,
      client,
      received,
      seq: 0,
      msg: (type, body, over = {}) =>
        signEnvelope(
          chip.privateKey,
          createEnvelope(
            type,
            { chip: chip.chip, body, seq: over.seq ?? ++d.seq, ...(over.id ? { id: over.id } : {}) },
            over.ts ?? new Date(),
          ) as Envelope,
        ),
      next: (match, timeoutMs = 8000) =>
        waitFor(async () => received.find((r) => match(r.topic, r.message))?.message, 'a down message', timeoutMs),
    };
    devs.push(d);
    return d;
  }

  const publish = (d: Dev, type: MessageType, m: unknown) =>
    d.client.publishAsync(
      type === 'status' ? statusTopic(root, d.chip.chip) : upTopic(root, d.chip.chip, type as 'events'),
      typeof m === 'string' ? m : JSON.stringify(m),
      { qos: 1 },
    );
  const answerTo = (id: string) => (topic: string, m: Envelope) =>
    /down\/(arm\.(grant|denied)|events\.ack)$/.test(topic) && (m.body as { requestId: string }).requestId === id;
  const storedSeqs = async (chip: string) =>
    (await t.ds.query('SELECT seq FROM device_events WHERE chip_id = $1 ORDER BY seq', [chip])).map(
      (r: { seq: string }) => Number(r.seq),
    );
  const rejectedRows = (chip: string, reason: string) =>
    t.ds.query('SELECT * FROM rejected_messages WHERE chip_id = $1 AND reason = $2 ORDER BY id', [chip, reason]);
  const alertsOf = (type: string, chip: string) =>
    t.ds.query('SELECT * FROM alerts WHERE type = $1 AND chip_id = $2 ORDER BY created_at', [type, chip]);

  beforeAll(async () => {
    t = await createTestApp({ broker: 'embedded' });
    root = t.config.mqtt.topicRoot;
    await t.app.get(DeviceGateway).ready();
  });
  afterAll(async () => {
    await Promise.all(devs.map((d) => d.client.endAsync(true).catch(() => undefined)));
    await t.close();
  });

  it('a reused seq is SEQ_REPLAYED for every message type; the identical re-delivery is answered again', async () => {
    const d = await bindAndConnect();
    const batch = d.msg('events', { events: [heartbeat(1)] });
    await publish(d, 'events', batch);
    expect((await d.next(answerTo(batch.id))).body).toMatchObject({ upToSeq: 1 });
    // QoS 1 duplicate (same seq, same id): acknowledged again, stored once.
    await publish(d, 'events', batch);
    await waitFor(
      async () => d.received.filter((r) => answerTo(batch.id)(r.topic, r.message)).length === 2,
      'second ack',
    );

    // Same seq, another message: events, status and arm.request are all refused.
    const replayEvents = d.msg('events', { events: [heartbeat(2)] }, { seq: batch.seq });
    await publish(d, 'events', replayEvents);
    const replayStatus = d.msg(
      'status',
      { online: true, state: 'armed', machineKind: 'electric_arc', firmware: 'evil', protocol: 1 },
      { seq: batch.seq },
    );
    await publish(d, 'status', replayStatus);
    const replayArm = d.msg('arm.request', armBody(nonceOf(1)), { seq: batch.seq });
    await publish(d, 'arm.request', replayArm);
    const denied = await d.next(answerTo(replayArm.id));
    expect(denied).toMatchObject({ type: 'arm.denied', body: { reason: ReasonCode.SEQ_REPLAYED } });
    const rows = await waitFor(async () => {
      const r = await rejectedRows(d.chip.chip, 'replayed');
      return r.length === 3 ? r : null;
    }, 'three replayed rows');
    expect(rows.map((r: { detail: { reason: string } }) => r.detail.reason)).toEqual([
      ReasonCode.SEQ_REPLAYED,
      ReasonCode.SEQ_REPLAYED,
      ReasonCode.SEQ_REPLAYED,
    ]);
    expect(d.received.filter((r) => answerTo(replayEvents.id)(r.topic, r.message))).toHaveLength(0);
    expect(await storedSeqs(d.chip.chip)).toEqual([1]);
    expect((await t.ds.query('SELECT firmware FROM chips WHERE chip_id = $1', [d.chip.chip]))[0].firmware).not.toBe(
      'evil',
    );
    // One alert for the chip's replays, counting all three. The gateway raises each just after storing its
    // row, so flush until the third has arrived.
    let seen: { count: number; state: string }[] = [];
    const replayAlerts = await waitFor(async () => {
      await t.app.get(DeviceAlerts).flushRepeats();
      const found = await alertsOf('DEVICE_MESSAGE_REJECTED', d.chip.chip);
      seen = found;
      return found[0]?.count === 3 ? found : null;
    }, 'one alert counting the three replays').catch((e: Error) => {
      // Say what was there instead (a lost repeat, a second row), so a failure on CI can be read.
      throw new Error(`${e.message}; alerts seen: ${JSON.stringify(seen.map((a) => [a.count, a.state]))}`);
    });
    expect(replayAlerts).toHaveLength(1);
    expect(replayAlerts[0]).toMatchObject({ evidence: { reason: ReasonCode.SEQ_REPLAYED, seq: batch.seq } });
  });

  it('a stale envelope (ts 10 min off) is refused for events and status; an old event inside a fresh envelope is stored', async () => {
    const d = await bindAndConnect();
    const tenMin = 10 * 60_000;
    const staleEvents = d.msg('events', { events: [heartbeat(1)] }, { ts: new Date(Date.now() - tenMin) });
    await publish(d, 'events', staleEvents);
    const futureStatus = d.msg(
      'status',
      { online: true, state: 'locked', machineKind: 'electric_arc', firmware: 'future', protocol: 1 },
      { ts: new Date(Date.now() + tenMin) },
    );
    await publish(d, 'status', futureStatus);
    await waitFor(async () => (await rejectedRows(d.chip.chip, 'expired')).length === 2, 'two expired rows');
    expect(await storedSeqs(d.chip.chip)).toEqual([]);
    expect((await t.ds.query('SELECT firmware FROM chips WHERE chip_id = $1', [d.chip.chip]))[0].firmware).not.toBe(
      'future',
    );
    // Someone is told the device's clock is off (one alert, both refusals counted).
    await t.app.get(DeviceAlerts).flushRepeats();
    const [skew] = await alertsOf('DEVICE_CLOCK_SKEW', d.chip.chip);
    expect(skew.count).toBe(2);
    expect(skew.evidence).toMatchObject({
      event: 'message',
      messageType: expect.stringMatching(/^(status|events)$/),
      skewMs: expect.any(Number),
    });
    expect(Math.abs(skew.evidence.skewMs)).toBeGreaterThan(9 * 60_000);
    // Offline catch-up: events from days ago in an envelope sent now.
    const catchUp = d.msg('events', { events: [heartbeat(1, new Date(Date.now() - 3 * 86_400_000).toISOString())] });
    await publish(d, 'events', catchUp);
    expect((await d.next(answerTo(catchUp.id))).body).toMatchObject({ upToSeq: 1 });
  });

  it('NUL and lone surrogates: a signed batch gets a negative ack for the bad events, the good ones are stored, the raw message and the alert are stored', async () => {
    const d = await bindAndConnect();
    const bad1: unknown = {
      seq: 2,
      type: 'boot',
      at: new Date().toISOString(),
      reason: 'power_on',
      firmware: 'fw\u0000evil',
    };
    const bad2: unknown = {
      seq: 3,
      type: 'security.rejected',
      at: new Date().toISOString(),
      messageType: 'arm.grant\u0000',
      reason: 'bad_signature',
    };
    const batch = d.msg('events', { events: [heartbeat(1), bad1, bad2, heartbeat(4)] });
    await publish(d, 'events', batch);
    const ack = await d.next(answerTo(batch.id));
    expect(ack.body).toEqual({ requestId: batch.id, upToSeq: 4, rejected: [2, 3] });
    expect(await storedSeqs(d.chip.chip)).toEqual([1, 4]);
    const [row] = await waitFor(async () => {
      const r = await rejectedRows(d.chip.chip, 'malformed');
      return r.length ? r : null;
    }, 'raw audit row');
    expect(row.detail.rejectedSeqs).toEqual([2, 3]);
    expect(row.payload_excerpt).toContain(batch.id);
    const [alert] = await waitFor(async () => {
      const a = await alertsOf('DEVICE_MESSAGE_REJECTED', d.chip.chip);
      return a.length ? a : null;
    }, 'rejected alert');
    expect(JSON.stringify(alert.evidence)).toContain('fw\\\\u0000evil');

    // A lone surrogate cannot be canonicalized (§5.2), so such a message never verifies: it is forged, and the
    // FORGED_MESSAGE alert is still raised, its evidence made storable.
    const signed = d.msg('status', {
      online: true,
      state: 'locked',
      machineKind: 'electric_arc',
      firmware: 'x',
      protocol: 1,
    });
    const forged = { ...signed, body: { ...(signed.body as object), firmware: 'x\u0000\udc00' } };
    await publish(d, 'status', forged);
    const [f] = await waitFor(async () => {
      const a = await alertsOf('FORGED_MESSAGE', d.chip.chip);
      return a.length ? a : null;
    }, 'forged alert');
    expect(JSON.stringify(f.evidence)).toContain('x\\\\u0000\\\\udc00');

    // And a signed arm.request whose welder code carries NUL is denied MALFORMED, alerted, never a crash.
    const arm = d.msg('arm.request', {
      ...armBody(nonceOf(7)),
      credential: { kind: 'welder_code', code: 'W0123456789ABCDEFGHJK\u0000' },
    });
    await publish(d, 'arm.request', arm);
    expect((await d.next(answerTo(arm.id))).body).toMatchObject({ reason: ReasonCode.MALFORMED });
  });

  it('an arm.request flood is rate limited (RATE_LIMITED + retryAfterS), raises one DEVICE_FLOOD with the count, and another chip is still answered', async () => {
    const flooder = await bindAndConnect();
    const other = await bindAndConnect();
    const n = 120;
    const flood = Array.from({ length: n }, (_, i) => flooder.msg('arm.request', armBody(nonceOf(1000 + i))));
    const started = Date.now();
    const sending = Promise.all(flood.map((m) => publish(flooder, 'arm.request', m)));
    // During the flood, the other chip's request is answered.
    const mine = other.msg('arm.request', armBody(nonceOf(5)));
    const sentAt = Date.now();
    await publish(other, 'arm.request', mine);
    await other.next(answerTo(mine.id), 10_000);
    const otherLatency = Date.now() - sentAt;
    await sending;
    const limited = await waitFor(async () => {
      const l = flooder.received.filter(
        (r) =>
          r.message.type === 'arm.denied' && (r.message.body as { reason: string }).reason === ReasonCode.RATE_LIMITED,
      );
      return l.length ? l : null;
    }, 'RATE_LIMITED denials');
    expect((limited[0].message.body as { retryAfterS: number }).retryAfterS).toBeGreaterThanOrEqual(1);
    await t.app.get(DeviceAlerts).flushRepeats();
    const alerts = await alertsOf('DEVICE_FLOOD', flooder.chip.chip);
    expect(alerts).toHaveLength(1);
    const refused = n - DEVICE_RATE_LIMITS.arm.capacity;
    // Some tokens refill while the flood is sent.
    expect(alerts[0].count).toBeGreaterThanOrEqual(
      refused - Math.ceil(((Date.now() - started) / 1000) * DEVICE_RATE_LIMITS.arm.perSecond) - 1,
    );
    expect(alerts[0].evidence).toMatchObject({
      chipId: flooder.chip.chip,
      byType: { 'arm.request': expect.any(Number) },
    });
    // Decisions were taken only for the requests within the budget: the flood never reached the engine.
    const decisions = await t.ds.query('SELECT count(*)::int AS n FROM decisions WHERE chip_id = $1', [
      flooder.chip.chip,
    ]);
    expect(decisions[0].n).toBeLessThanOrEqual(DEVICE_RATE_LIMITS.arm.capacity + 2);
    expect(await alertsOf('DEVICE_FLOOD', other.chip.chip)).toHaveLength(0);
    expect(otherLatency).toBeLessThan(5_000);
  });

  it('alerts aggregate by source: 30 unknown chips from one address are one alert counted 30; 40 forged messages one alert counted 40', async () => {
    const strangers = Array.from({ length: 30 }, () => generateChipKeyPair());
    for (const s of strangers) {
      await expect(
        mqtt.connectAsync(t.config.mqtt.url, {
          clientId: s.chip,
          username: s.chip,
          password: makeConnectToken(s.privateKey, new Date()),
          reconnectPeriod: 0,
          connectTimeout: 5000,
        }),
      ).rejects.toThrow();
    }
    const d = await bindAndConnect();
    const forger = generateChipKeyPair();
    for (let i = 0; i < 40; i++) {
      const m = signEnvelope(
        forger.privateKey,
        createEnvelope(
          'events',
          { chip: d.chip.chip, seq: 5000 + i, body: { events: [heartbeat(5000 + i)] } },
          new Date(),
        ) as Envelope,
      );
      await publish(d, 'events', m);
    }
    await waitFor(async () => (await rejectedRows(d.chip.chip, 'bad_signature')).length === 40, 'forgeries recorded');
    await t.app.get(DeviceAlerts).flushRepeats();
    const unknown = await t.ds.query(
      `SELECT count, chip_id, evidence, last_evidence FROM alerts WHERE type = 'UNREGISTERED_DEVICE' AND dedupe_key LIKE 'device:unregistered:address:%'`,
    );
    expect(unknown).toHaveLength(1);
    expect(unknown[0].count).toBe(30);
    expect(unknown[0].last_evidence.source).toMatchObject({
      remoteAddress: expect.stringContaining('127.0.0.1'),
      distinctChips: 30,
      attempts: 30,
    });
    expect(strangers.map((s) => s.chip)).toEqual(expect.arrayContaining(unknown[0].last_evidence.source.chipsSample));
    const [forged] = await alertsOf('FORGED_MESSAGE', d.chip.chip);
    expect(forged.count).toBe(40);
  });
});
