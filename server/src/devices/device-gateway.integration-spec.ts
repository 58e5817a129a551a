import {
  ArcStopEvent,
  ChipKeyPair,
  createEnvelope,
  deviceDownFilter,
  DeviceEvent,
  downTopic,
  Envelope,
  generateChipKeyPair,
  makeConnectToken,
  MessageType,
  ReasonCode,
  signEnvelope,
  statusTopic,
  upTopic,
  verifyEnvelope,
} from '@arcgate/protocol';
import { KeyObject } from 'node:crypto';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/mqtt-connection';
import { DEMO_MACHINES } from '../seed/demo-data';
import { ARM_REQUEST_HANDLER } from '../device-core/device-ports';
import { ChipsRepository } from './chips.repository';
import { DeviceGateway } from './device-gateway';
import { DevicePresence, SILENCE_LIMIT_MS } from './device-presence';

// ---- a device, as far as the broker and the server can tell --------------------------------

interface TestDevice {
  client: MqttClient;
  received: { topic: string; message: Envelope }[];
  next(match: (topic: string, m: Envelope) => boolean, timeoutMs?: number): Promise<Envelope>;
}

let messageSeq = 0;

function deviceMessage<B>(key: KeyObject, chip: string, type: MessageType, body: B, seq = ++messageSeq): Envelope {
  return signEnvelope(key, createEnvelope(type, { chip, body, seq }, new Date()) as Envelope);
}

function heartbeat(seq: number): DeviceEvent {
  const at = new Date().toISOString();
  return {
    seq,
    type: 'heartbeat',
    at,
    position: { lat: 34.1721, lng: 116.0012, accuracyM: 5, fixAt: at },
    relayClosed: false,
    state: 'locked',
  };
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

describe('device gateway over the real broker', () => {
  let t: TestApp;
  let root: string;
  const url = () => t.config.mqtt.url;
  const chip = generateChipKeyPair();
  let machineId: string;
  let enterpriseId: string;
  let devices: TestDevice[] = [];

  async function connectDevice(
    c: ChipKeyPair,
    opts: Partial<IClientOptions> = {},
    signingKey: KeyObject = c.privateKey,
  ): Promise<TestDevice> {
    const client = await mqtt.connectAsync(url(), {
      clientId: c.chip,
      username: c.chip,
      password: makeConnectToken(signingKey, new Date()),
      reconnectPeriod: 0,
      connectTimeout: 5000,
      will: {
        topic: statusTopic(root, c.chip),
        payload: Buffer.from(
          JSON.stringify({ v: 1, type: 'status', chip: c.chip, body: { online: false, reason: 'will' } }),
        ),
        qos: 1,
        retain: true,
      },
      ...opts,
    });
    const received: TestDevice['received'] = [];
    let waiters: { match: (t: string, m: Envelope) => boolean; resolve: (m: Envelope) => void }[] = [];
    client.on('message', (topic, payload) => {
      const message = JSON.parse(payload.toString('utf8')) as Envelope;
      received.push({ topic, message });
      const still: typeof waiters = [];
      for (const w of waiters) w.match(topic, message) ? w.resolve(message) : still.push(w);
      waiters = still;
    });
    const granted = await client.subscribeAsync(deviceDownFilter(root, c.chip), { qos: 1 });
    if (granted[0].qos !== 1) throw new Error('own down topic not granted');
    const d: TestDevice = {
      client,
      received,
      next: (match, timeoutMs = 8000) => {
        const seen = received.find((r) => match(r.topic, r.message));
        if (seen) return Promise.resolve(seen.message);
        return new Promise<Envelope>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no matching down message')), timeoutMs);
          waiters.push({
            match,
            resolve: (m) => {
              clearTimeout(timer);
              resolve(m);
            },
          });
        });
      },
    };
    devices.push(d);
    return d;
  }

  const serverClient = () =>
    mqtt.connectAsync(url(), {
      clientId: `open-broker-${Math.random()}`,
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(t.config),
      reconnectPeriod: 0,
    });
  const send = (client: MqttClient, topic: string, message: unknown) =>
    client.publishAsync(topic, typeof message === 'string' ? message : JSON.stringify(message), { qos: 1 });
  const storedSeqs = async (c: string) =>
    (await t.ds.query('SELECT seq FROM device_events WHERE chip_id = $1 ORDER BY seq', [c])).map((r: { seq: string }) =>
      Number(r.seq),
    );
  const alertsOf = (type: string, c: string) =>
    t.ds.query('SELECT * FROM alerts WHERE type = $1 AND chip_id = $2', [type, c]);
  const ackFor = (requestId: string) => (topic: string, m: Envelope) =>
    topic.endsWith('/down/events.ack') && (m.body as { requestId: string }).requestId === requestId;

  beforeAll(async () => {
    // These tests check the embedded broker's own authentication and ACL, so they always use it.
    t = await createTestApp({ broker: 'embedded' });
    root = t.config.mqtt.topicRoot;
    const [m] = await t.ds.query('SELECT id, enterprise_id FROM machines WHERE serial_number = $1', [
      DEMO_MACHINES[0].serialNumber,
    ]);
    machineId = m.id;
    enterpriseId = m.enterprise_id;
    const res = await t.http
      .post(`/api/machines/${machineId}/chip`)
      .set(await t.auth('hengda.admin'))
      .send({ chipId: chip.chip, publicKey: chip.publicKeyRaw });
    expect(res.status).toBe(200);
    await t.app.get(DeviceGateway).ready();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.client.endAsync(true).catch(() => undefined)));
    devices = [];
  });
  afterAll(async () => {
    await t.close();
  });

  describe('broker authentication and ACL', () => {
    it('lets a bound chip in with its connect token and allows only its own topics', async () => {
      // connectDevice itself subscribes to the chip's own down topics and requires QoS 1 granted.
      const d = await connectDevice(chip);
      const other = generateChipKeyPair();
      // The broker answers SUBACK 0x80 (failure), which mqtt.js reports as an error.
      await expect(d.client.subscribeAsync(deviceDownFilter(root, other.chip), { qos: 1 })).rejects.toMatchObject({
        packet: { granted: [128] },
      });
      await expect(d.client.subscribeAsync(`${root}/d/+/up/#`, { qos: 1 })).rejects.toMatchObject({
        packet: { granted: [128] },
      });
      expect(d.client.connected).toBe(true);
    });

    it("drops a device that publishes on another chip's topic; the message never reaches the server", async () => {
      const d = await connectDevice(chip);
      const victim = generateChipKeyPair();
      const closed = new Promise<void>((resolve) => d.client.once('close', () => resolve()));
      d.client.publish(
        upTopic(root, victim.chip, 'events'),
        JSON.stringify(deviceMessage(chip.privateKey, victim.chip, 'events', { events: [heartbeat(1)] })),
        { qos: 1 },
      );
      await closed;
      await new Promise((r) => setTimeout(r, 300));
      expect(await t.ds.query('SELECT 1 FROM rejected_messages WHERE chip_id = $1', [victim.chip])).toHaveLength(0);
      expect(await alertsOf('UNREGISTERED_DEVICE', victim.chip)).toHaveLength(0);
    });

    it('refuses a wrong connect token (signed by another key) and a stale one', async () => {
      const intruder = generateChipKeyPair();
      await expect(connectDevice(chip, {}, intruder.privateKey)).rejects.toThrow(
        /Bad username or password|Not authorized|refused/i,
      );
      await expect(
        connectDevice(chip, { password: makeConnectToken(chip.privateKey, new Date(Date.now() - 10 * 60_000)) }),
      ).rejects.toThrow();
    });

    it('refuses an unknown chip at CONNECT and raises an unregistered-device alert with what it said', async () => {
      const stranger = generateChipKeyPair();
      await expect(connectDevice(stranger)).rejects.toThrow(/Not authorized/i);
      const [alert] = await waitFor(async () => {
        const a = await alertsOf('UNREGISTERED_DEVICE', stranger.chip);
        return a.length ? a : null;
      }, 'unregistered alert');
      expect(alert.enterprise_id).toBeNull();
      expect(alert.evidence).toMatchObject({
        chipId: stranger.chip,
        event: 'connect',
        via: 'embedded',
        remoteAddress: expect.stringContaining('127.0.0.1'),
        claims: { chip: stranger.chip },
      });
      expect(alert.evidence.clientId).toContain(stranger.chip);
      expect(alert.evidence.will).toMatchObject({ topic: statusTopic(root, stranger.chip) });
    });
  });

  describe('messages', () => {
    it('stores a batch delivered three times and out of order exactly once, and acks only what is stored', async () => {
      const d = await connectDevice(chip);
      const first = deviceMessage(chip.privateKey, chip.chip, 'events', {
        events: [heartbeat(1), heartbeat(2), heartbeat(3)],
      });
      const second = deviceMessage(chip.privateKey, chip.chip, 'events', { events: [heartbeat(4), heartbeat(5)] });
      const topic = upTopic(root, chip.chip, 'events');

      await send(d.client, topic, second);
      const early = await d.next(ackFor(second.id));
      expect(verifyEnvelope(t.config.secrets.deviceSigningKey, early)).toBe(true);
      // 4 and 5 are stored, but 1–3 are not: the watermark stays at 0 and the gap is listed.
      expect(early.body).toEqual({ requestId: second.id, upToSeq: 0, missing: [1, 2, 3] });

      await Promise.all([
        send(d.client, topic, first),
        send(d.client, topic, first),
        send(d.client, topic, first),
        send(d.client, topic, second),
      ]);
      const acks = await waitFor(
        async () => (d.received.filter((r) => ackFor(first.id)(r.topic, r.message)).length === 3 ? d.received : null),
        'three acks',
      );
      const last = acks
        .filter((r) => ackFor(first.id)(r.topic, r.message))
        .map((r) => r.message.body as { upToSeq: number });
      expect(Math.max(...last.map((b) => b.upToSeq))).toBe(5);

      expect(await storedSeqs(chip.chip)).toEqual([1, 2, 3, 4, 5]);
      expect(
        (await t.ds.query('SELECT count(*)::int AS n FROM device_event_seqs WHERE chip_id = $1', [chip.chip]))[0].n,
      ).toBe(5);
      const [c] = await t.ds.query('SELECT last_seq, last_position FROM chips WHERE chip_id = $1', [chip.chip]);
      expect(Number(c.last_seq)).toBe(5);
      expect(c.last_position).toMatchObject({ lat: 34.1721, lng: 116.0012 });
      const device = await t.http.get(`/api/machines/${machineId}/device`).set(await t.auth('hengda.admin'));
      expect(device.body.recentEvents.map((e: { seq: number }) => e.seq)).toEqual(
        expect.arrayContaining([1, 2, 3, 4, 5]),
      );
    });

    it('rejects and logs a message signed with another key: FORGED_MESSAGE, nothing stored', async () => {
      const d = await connectDevice(chip);
      const forger = generateChipKeyPair();
      const forged = deviceMessage(forger.privateKey, chip.chip, 'events', { events: [heartbeat(900)] });
      await send(d.client, upTopic(root, chip.chip, 'events'), forged);
      // The same through an open broker (any client may publish anywhere there).
      const open = await serverClient();
      await send(
        open,
        upTopic(root, chip.chip, 'events'),
        deviceMessage(forger.privateKey, chip.chip, 'events', { events: [heartbeat(901)] }),
      );
      await open.endAsync();

      const rows = await waitFor(async () => {
        const r = await t.ds.query(`SELECT * FROM rejected_messages WHERE chip_id = $1 AND reason = 'bad_signature'`, [
          chip.chip,
        ]);
        return r.length === 2 ? r : null;
      }, 'rejected rows');
      expect(rows[0].topic).toBe(upTopic(root, chip.chip, 'events'));
      expect(rows.map((r: { payload_excerpt: string }) => JSON.parse(r.payload_excerpt).id)).toContain(forged.id);
      const [alert] = await waitFor(async () => {
        const a = await alertsOf('FORGED_MESSAGE', chip.chip);
        return a.length ? a : null;
      }, 'forged alert');
      expect(alert).toMatchObject({ enterprise_id: enterpriseId, machine_id: machineId, severity: 'critical' });
      expect(alert.evidence.said).toMatchObject({ id: forged.id, chip: chip.chip });
      expect(await storedSeqs(chip.chip)).not.toContain(900);
      expect(await storedSeqs(chip.chip)).not.toContain(901);
      expect(d.received.filter((r) => ackFor(forged.id)(r.topic, r.message))).toHaveLength(0);
    });

    it('an unknown chip publishing (open broker) raises UNREGISTERED_DEVICE with what it said', async () => {
      const stranger = generateChipKeyPair();
      const open = await serverClient();
      const said = deviceMessage(stranger.privateKey, stranger.chip, 'events', { events: [heartbeat(1)] });
      await send(open, upTopic(root, stranger.chip, 'events'), said);
      await open.endAsync();
      const [alert] = await waitFor(async () => {
        const a = await alertsOf('UNREGISTERED_DEVICE', stranger.chip);
        return a.length ? a : null;
      }, 'unregistered alert');
      expect(alert.evidence).toMatchObject({
        chipId: stranger.chip,
        event: 'publish',
        type: 'events',
        said: { id: said.id, body: { events: [{ seq: 1, type: 'heartbeat' }] } },
      });
      expect(await storedSeqs(stranger.chip)).toEqual([]);
      expect(
        await t.ds.query(`SELECT 1 FROM rejected_messages WHERE chip_id = $1 AND reason = 'unregistered'`, [
          stranger.chip,
        ]),
      ).toHaveLength(1);
    });

    it('an arc without a valid grant raises ARC_WITHOUT_GRANT (critical)', async () => {
      const d = await connectDevice(chip);
      const seq = 6;
      const at = new Date().toISOString();
      const msg = deviceMessage(chip.privateKey, chip.chip, 'events', {
        events: [
          { seq, type: 'arc.unauthorized', at, currentA: 120, relayClosed: false },
          { seq: seq + 1, type: 'arc.start', at, grantId: 'no-such-grant' },
        ],
      });
      await send(d.client, upTopic(root, chip.chip, 'events'), msg);
      expect((await d.next(ackFor(msg.id))).body).toMatchObject({ upToSeq: 7 });
      const [alert] = await waitFor(async () => {
        const a = await alertsOf('ARC_WITHOUT_GRANT', chip.chip);
        return a.length ? a : null;
      }, 'arc alert');
      expect(alert).toMatchObject({ severity: 'critical', machine_id: machineId, enterprise_id: enterpriseId });
      expect(alert.evidence).toMatchObject({ seq, type: 'arc.unauthorized', event: { currentA: 120 } });
    });

    it('stores an arc per arc.stop with its statistics and flags it unauthorized without a grant', async () => {
      const d = await connectDevice(chip);
      const ended = new Date();
      const started = new Date(ended.getTime() - 60_000);
      const stop: ArcStopEvent = {
        seq: 8,
        type: 'arc.stop',
        at: ended.toISOString(),
        startedAt: started.toISOString(),
        endedAt: ended.toISOString(),
        durationMs: 60_000,
        current: { min: 90, max: 140, mean: 120, p95: 135 },
        voltage: { min: 20, max: 26, mean: 23, p95: 25 },
        samples: 600,
        sampleRateHz: 10,
      };
      const msg = deviceMessage(chip.privateKey, chip.chip, 'events', { events: [stop] });
      await send(d.client, upTopic(root, chip.chip, 'events'), msg);
      await d.next(ackFor(msg.id));
      const [arc] = await waitFor(async () => {
        const a = await t.ds.query(
          'SELECT * FROM arcs WHERE chip_id = $1 AND stop_seq = 8 AND authorized IS NOT NULL',
          [chip.chip],
        );
        return a.length ? a : null;
      }, 'arc row');
      expect(arc).toMatchObject({ machine_id: machineId, authorized: false, flags: ['no_valid_grant'], samples: 600 });
      expect(Number(arc.duration_ms)).toBe(60_000);
      expect(arc.current_stats).toEqual(stop.current);
      expect(await alertsOf('MACHINE_OVERUSE_24H', chip.chip)).toHaveLength(0);

      // A machine on for more than 24 h (one arc of 25 h here) is flagged.
      const longStart = new Date(ended.getTime() - 25 * 3_600_000);
      const long: ArcStopEvent = {
        ...stop,
        seq: 9,
        startedAt: longStart.toISOString(),
        durationMs: ended.getTime() - longStart.getTime(),
      };
      const msg2 = deviceMessage(chip.privateKey, chip.chip, 'events', { events: [long] });
      await send(d.client, upTopic(root, chip.chip, 'events'), msg2);
      await d.next(ackFor(msg2.id));
      const [overuse] = await waitFor(async () => {
        const a = await alertsOf('MACHINE_OVERUSE_24H', chip.chip);
        return a.length ? a : null;
      }, 'overuse alert');
      expect(overuse).toMatchObject({ machine_id: machineId, enterprise_id: enterpriseId });
      expect(overuse.evidence.hours).toBeGreaterThan(24);
    });

    it("answers an arm request: the engine's decision, or a retryable SERVER_ERROR denial when no engine is installed", async () => {
      const d = await connectDevice(chip);
      const req = deviceMessage(chip.privateKey, chip.chip, 'arm.request', {
        nonce: 'q1W8eR4tY7uI0oP3aS6dFg',
        credential: { kind: 'welder_code', code: 'W0123456789ABCDEFGHJKM' },
        position: null,
        machineKind: 'electric_arc',
      });
      await send(d.client, upTopic(root, chip.chip, 'arm.request'), req);
      const answer = await d.next(
        (topic, m) =>
          /down\/arm\.(grant|denied)$/.test(topic) && (m.body as { requestId: string }).requestId === req.id,
      );
      expect(verifyEnvelope(t.config.secrets.deviceSigningKey, answer)).toBe(true);
      let engine: unknown = null;
      try {
        engine = t.app.get(ARM_REQUEST_HANDLER, { strict: false });
      } catch {
        engine = null;
      }
      if (!engine)
        expect(answer).toMatchObject({
          type: 'arm.denied',
          chip: chip.chip,
          body: { reason: ReasonCode.SERVER_ERROR, retryAfterS: 5 },
        });
      else expect(answer.type).toMatch(/^arm\.(grant|denied)$/);
      // A stale request is refused as expired, never handed to the engine.
      const stale = signEnvelope(
        chip.privateKey,
        createEnvelope(
          'arm.request',
          { chip: chip.chip, seq: ++messageSeq, body: req.body },
          new Date(Date.now() - 10 * 60_000),
        ) as Envelope,
      );
      await send(d.client, upTopic(root, chip.chip, 'arm.request'), stale);
      const denied = await d.next(
        (topic, m) =>
          topic === downTopic(root, chip.chip, 'arm.denied') &&
          (m.body as { requestId: string }).requestId === stale.id,
      );
      expect(denied.body).toMatchObject({ reason: ReasonCode.REQUEST_EXPIRED });
    });

    it('tracks presence: signed online status, offline by last will when the socket dies, offline after silence', async () => {
      const d = await connectDevice(chip);
      const status = deviceMessage(chip.privateKey, chip.chip, 'status', {
        online: true,
        state: 'locked',
        machineKind: 'electric_arc',
        firmware: 'agent-1.0.0',
        protocol: 1,
      });
      await d.client.publishAsync(statusTopic(root, chip.chip), JSON.stringify(status), { qos: 1, retain: true });
      await waitFor(
        async () =>
          (await t.ds.query('SELECT online FROM chips WHERE chip_id = $1 AND online', [chip.chip])).length > 0,
        'online',
      );
      const [c] = await t.ds.query('SELECT firmware, state FROM chips WHERE chip_id = $1', [chip.chip]);
      expect(c).toEqual({ firmware: 'agent-1.0.0', state: 'locked' });

      // Abrupt loss of the connection: the broker publishes the (unsigned) last will.
      d.client.stream.destroy();
      await waitFor(
        async () => (await t.ds.query('SELECT 1 FROM chips WHERE chip_id = $1 AND NOT online', [chip.chip])).length > 0,
        'offline by will',
      );

      // An unsigned "offline" can never mark a device online, and a forged "online" is rejected.
      const open = await serverClient();
      const forgedOnline = deviceMessage(generateChipKeyPair().privateKey, chip.chip, 'status', status.body);
      await send(open, statusTopic(root, chip.chip), forgedOnline);
      await waitFor(
        async () =>
          (
            await t.ds.query(`SELECT 1 FROM rejected_messages WHERE chip_id = $1 AND topic = $2`, [
              chip.chip,
              statusTopic(root, chip.chip),
            ])
          ).length > 0,
        'rejected status',
      );
      expect((await t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [chip.chip]))[0].online).toBe(false);
      await open.endAsync();

      // A device whose will was lost: three missed heartbeats and the sweep marks it offline.
      await t.ds.query('UPDATE chips SET online = true, last_seen_at = $2 WHERE chip_id = $1', [
        chip.chip,
        new Date(Date.now() - SILENCE_LIMIT_MS - 1000),
      ]);
      expect(await t.app.get(DevicePresence).sweep()).toContain(chip.chip);
      expect((await t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [chip.chip]))[0].online).toBe(false);
    });

    it('applies a chip’s statuses in the order they arrived, even when the first one’s write is slow', async () => {
      // Messages are handled concurrently: a reconnecting device's will and its new online status race.
      await t.ds.query('UPDATE chips SET online = true WHERE chip_id = $1', [chip.chip]);
      const repo = t.app.get(ChipsRepository);
      const markOffline = repo.markOffline.bind(repo);
      const slowWill = jest.spyOn(repo, 'markOffline').mockImplementation(async (...args) => {
        await new Promise((r) => setTimeout(r, 300)); // the database under load
        return markOffline(...args);
      });
      try {
        const inbound = (payload: object) => ({
          topic: statusTopic(root, chip.chip),
          chip: chip.chip,
          kind: 'status' as const,
          type: 'status' as const,
          payload: Buffer.from(JSON.stringify(payload)),
          retained: false,
        });
        const gateway = t.app.get(DeviceGateway);
        const will = gateway.handle(
          inbound({ v: 1, type: 'status', chip: chip.chip, body: { online: false, reason: 'will' } }),
        );
        const online = gateway.handle(
          inbound(
            deviceMessage(chip.privateKey, chip.chip, 'status', {
              online: true,
              state: 'locked',
              machineKind: 'electric_arc',
              firmware: 'agent-1.0.1',
              protocol: 1,
            }),
          ),
        );
        await Promise.all([will, online]);
        expect(slowWill).toHaveBeenCalledTimes(1);
      } finally {
        slowWill.mockRestore();
      }
      const [c] = await t.ds.query('SELECT online, firmware FROM chips WHERE chip_id = $1', [chip.chip]);
      expect(c).toEqual({ online: true, firmware: 'agent-1.0.1' });
    });

    it('a chip whose machine was retired is unbound: refused at the broker', async () => {
      const c = generateChipKeyPair();
      const [m] = await t.ds.query('SELECT id FROM machines WHERE serial_number = $1', [DEMO_MACHINES[1].serialNumber]);
      expect(
        (
          await t.http
            .post(`/api/machines/${m.id}/chip`)
            .set(await t.auth('hengda.admin'))
            .send({ chipId: c.chip, publicKey: c.publicKeyRaw })
        ).status,
      ).toBe(200);
      const d = await connectDevice(c);
      await d.client.endAsync();
      devices = [];
      expect(
        (
          await t.http
            .post(`/api/machines/${m.id}/status`)
            .set(await t.auth('hengda.admin'))
            .send({ status: 'retired', reason: '报废' })
        ).status,
      ).toBe(200);
      await new Promise((r) => setTimeout(r, 2100)); // the bound-chip cache lives 2 s
      await expect(connectDevice(c)).rejects.toThrow(/Not authorized/i);
    });
  });
});
