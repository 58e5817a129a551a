import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ARM_REQUEST_RETRIES,
  ARM_REQUEST_TIMEOUT_MS,
  buildExamples,
  certDeniedBody,
  openDeviceMessage,
  ReasonCode,
  publicKeyToBase64Url,
  verifyConnectToken,
} from '@arcgate/protocol';
import { FakeClock } from './clock';
import { ChipIdentity, loadOrCreateChipKey } from './keys';
import { ArmAnswer, Link, LinkEvents, MqttConnectOptions } from './link';
import { silentLogger } from './logger';
import { FakeMqttClient } from './testing/fake-mqtt';
import { configFor, grantFor, revokeFor, serverMessage, testKeys } from './testing/fixtures';

const flush = () => new Promise((r) => setImmediate(r));

describe('Link', () => {
  let dir: string;
  let identity: ChipIdentity;
  let keys: ReturnType<typeof testKeys>;
  let clock: FakeClock;
  let clients: FakeMqttClient[];
  let link: Link;
  let seq: number;
  const seen: { type: keyof LinkEvents; args: unknown[] }[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'link-spec-'));
    identity = loadOrCreateChipKey(join(dir, 'keys'));
    keys = { ...testKeys(), device: identity.privateKey, chip: identity.chip };
    clock = new FakeClock();
    clients = [];
    seq = 0;
    seen.length = 0;
    link = new Link({
      url: 'mqtt://broker:1883',
      topicRoot: 'arcgate',
      identity,
      serverPublicKey: keys.serverPublicKey,
      machineKind: 'electric_arc',
      firmware: 'test 1',
      clock,
      log: silentLogger,
      nextSeq: () => ++seq,
      state: () => 'locked',
      random: () => 0.5,
      connect: (url: string, options: MqttConnectOptions) => {
        const c = new FakeMqttClient(url, options);
        clients.push(c);
        return c;
      },
    });
    for (const type of ['online', 'offline', 'message', 'rejected'] as const)
      link.on(type, (...args: unknown[]) => seen.push({ type, args }));
  });
  afterEach(async () => {
    jest.useRealTimers();
    await link.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (): Promise<FakeMqttClient> => {
    link.start();
    const c = clients.at(-1)!;
    c.acceptConnect();
    await flush();
    return c;
  };

  it('connects as the chip with a valid connect token and a retained offline will', () => {
    link.start();
    const { options } = clients[0];
    expect(options).toMatchObject({
      clientId: identity.chip,
      username: identity.chip,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
    });
    expect(
      verifyConnectToken(options.password, identity.publicKey, new Date(clock.now()), { username: identity.chip }).ok,
    ).toBe(true);
    expect(options.will).toEqual({
      topic: `arcgate/d/${identity.chip}/status`,
      payload: JSON.stringify({ body: { online: false, reason: 'will' }, chip: identity.chip, type: 'status', v: 1 }),
      qos: 1,
      retain: true,
    });
  });

  it('subscribes to its down topics before publishing a signed, retained online status, then goes online', async () => {
    const c = await connect();
    expect(c.log).toEqual([`subscribe arcgate/d/${identity.chip}/down/#`, `publish arcgate/d/${identity.chip}/status`]);
    expect(c.published[0].retain).toBe(true);
    const opened = openDeviceMessage(c.published[0].payload, {
      chip: identity.chip,
      type: 'status',
      publicKey: identity.publicKey,
      now: new Date(clock.now()),
    });
    expect(opened.ok).toBe(true);
    expect(link.online).toBe(true);
    expect(seen.map((s) => s.type)).toEqual(['online']);
  });

  it('does not go online when the subscription is refused', async () => {
    link.start();
    clients[0].refuseSubscription = true;
    clients[0].acceptConnect();
    await flush();
    expect(link.online).toBe(false);
    expect(clients[0].ended).toBe(true);
  });

  it('emits verified server messages and rejects forged, misaddressed, malformed and stale ones', async () => {
    const c = await connect();
    const down = (t: string) => `arcgate/d/${identity.chip}/down/${t}`;
    const revoke = revokeFor(keys, clock.now(), 'grant-1');
    c.deliver(down('grant.revoke'), revoke);
    c.deliver(down('grant.revoke'), revoke); // QoS 1 duplicate
    const forged = revokeFor({ ...keys, server: testKeys().server }, clock.now(), 'grant-1');
    c.deliver(down('grant.revoke'), forged);
    const other = testKeys();
    c.deliver(down('grant.revoke'), serverMessage(keys.server, other.chip, 'grant.revoke', revoke.body, clock.now()));
    c.deliver(down('grant.revoke'), '{not json');
    c.deliver(down('config'), configFor(keys, clock.now() - 10 * 60_000, { heartbeatIntervalS: 60 }));
    c.deliver(down('events.ack'), revokeFor(keys, clock.now())); // type does not match the topic
    c.deliver(`arcgate/d/${other.chip}/down/grant.revoke`, revoke); // not our topic: dropped silently
    const messages = seen.filter((s) => s.type === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0].args[0]).toEqual(revoke);
    expect(seen.filter((s) => s.type === 'rejected').map((s) => (s.args[0] as { reason: string }).reason)).toEqual([
      'bad_signature',
      'wrong_chip',
      'malformed',
      'expired',
      'wrong_type',
    ]);
  });

  it('rejects everything when no server key is provisioned', async () => {
    const bare = new Link({
      url: 'x',
      topicRoot: 'arcgate',
      identity,
      serverPublicKey: null,
      machineKind: 'gas',
      firmware: 'f',
      clock,
      log: silentLogger,
      nextSeq: () => 1,
      state: () => 'locked',
      connect: () => new FakeMqttClient('x', {} as MqttConnectOptions),
    });
    const rejected: unknown[] = [];
    bare.on('rejected', (r) => rejected.push(r));
    bare.handleMessage(`arcgate/d/${identity.chip}/down/grant.revoke`, JSON.stringify(revokeFor(keys, clock.now())));
    expect(rejected).toEqual([expect.objectContaining({ reason: 'bad_signature' })]);
  });

  it('retries an unanswered arm.request with the identical envelope, then times out', async () => {
    const c = await connect();
    jest.useFakeTimers();
    let answer: ArmAnswer | undefined;
    void link.requestArm('requestIdentifier001', { some: 'body' }).then((a) => (answer = a));
    for (let i = 0; i < ARM_REQUEST_RETRIES; i++) jest.advanceTimersByTime(ARM_REQUEST_TIMEOUT_MS);
    const sent = c.published.filter((p) => p.topic.endsWith('/up/arm.request'));
    expect(sent).toHaveLength(ARM_REQUEST_RETRIES + 1);
    expect(new Set(sent.map((p) => p.payload)).size).toBe(1);
    expect(answer).toBeUndefined();
    jest.advanceTimersByTime(ARM_REQUEST_TIMEOUT_MS);
    await Promise.resolve();
    expect(answer).toEqual({ kind: 'timeout' });
  });

  it('resolves an arm.request with the grant answering it (correlated by requestId)', async () => {
    const c = await connect();
    const pending = link.requestArm('requestIdentifier002', {});
    const grant = grantFor(keys, {
      requestId: 'requestIdentifier002',
      nonce: 'q1W8eR4tY7uI0oP3aS6dFg',
      now: clock.now(),
    });
    c.deliver(`arcgate/d/${identity.chip}/down/arm.grant`, grant);
    await expect(pending).resolves.toEqual({ kind: 'grant', message: grant });
    expect(seen.filter((s) => s.type === 'message')).toHaveLength(0);
  });

  it('correlates cert.issued with its cert.renew, retries the identical envelope, and reconnects with a new certificate', async () => {
    const tlsLink = new Link({
      url: 'mqtts://broker:8883',
      topicRoot: 'arcgate',
      identity,
      serverPublicKey: keys.serverPublicKey,
      machineKind: 'electric_arc',
      firmware: 'test 1',
      clock,
      log: silentLogger,
      nextSeq: () => ++seq,
      state: () => 'locked',
      random: () => 0.5,
      tls: { ca: 'CA', cert: 'OLD', key: 'KEY' },
      connect: (url: string, options: MqttConnectOptions) => {
        const c = new FakeMqttClient(url, options);
        clients.push(c);
        return c;
      },
    });
    try {
      tlsLink.start();
      const c = clients.at(-1)!;
      expect(c.options.cert).toBe('OLD');
      c.acceptConnect();
      await flush();
      jest.useFakeTimers();
      const pending = tlsLink.requestCertificate('renewRequest00000001', {
        serial: 'ab',
        publicKey: identity.publicKey,
      });
      jest.advanceTimersByTime(ARM_REQUEST_TIMEOUT_MS);
      const sent = c.published.filter((p) => p.topic === `arcgate/d/${identity.chip}/up/cert.renew`);
      expect(sent).toHaveLength(2);
      expect(sent[0].payload).toBe(sent[1].payload);
      // An answer to another request is not this one's.
      const stray = serverMessage(
        keys.server,
        identity.chip,
        'cert.denied',
        certDeniedBody('otherRequest00000001', ReasonCode.RATE_LIMITED),
        clock.now(),
      );
      c.deliver(`arcgate/d/${identity.chip}/down/cert.denied`, stray);
      const issued = serverMessage(
        keys.server,
        identity.chip,
        'cert.issued',
        { ...buildExamples().certIssued.body, requestId: 'renewRequest00000001' },
        clock.now(),
      );
      c.deliver(`arcgate/d/${identity.chip}/down/cert.issued`, issued);
      await expect(pending).resolves.toEqual({ kind: 'issued', message: issued });
      jest.useRealTimers();

      tlsLink.useClientCertificate('NEW');
      await flush();
      expect(c.ended).toBe(true);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(clients.at(-1)).not.toBe(c);
      expect(clients.at(-1)!.options.cert).toBe('NEW');
    } finally {
      await tlsLink.stop();
    }
  });

  it('reconnects with exponential back-off and jitter, with a fresh token each time', async () => {
    jest.useFakeTimers();
    const jittered = new Link({
      url: 'mqtt://b',
      topicRoot: 'arcgate',
      identity,
      serverPublicKey: keys.serverPublicKey,
      machineKind: 'electric_arc',
      firmware: 'f',
      clock,
      log: silentLogger,
      nextSeq: () => ++seq,
      state: () => 'locked',
      random: () => 0, // lowest jitter: × 0.8
      connect: (url, options) => {
        const c = new FakeMqttClient(url, options);
        clients.push(c);
        return c;
      },
    });
    jittered.start();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = clients.length;
      clients.at(-1)!.drop();
      const t0 = Date.now();
      jest.advanceTimersToNextTimer();
      expect(clients).toHaveLength(before + 1);
      delays.push(Date.now() - t0);
      clock.advance(1000);
    }
    expect(delays).toEqual([800, 1600, 3200, 6400, 12800, 25600, 48000, 48000]);
    const tokens = clients.slice(-8).map((c) => c.options.password);
    expect(new Set(tokens).size).toBe(8);
    await jittered.stop();
  });

  it('never presents a connect token twice: a refused CONNECT is retried on a new client with a new nonce, even within the same millisecond', async () => {
    // The server accepts each token once (protocol §3.1); mqtt.js's own reconnect would re-send the same password.
    jest.useFakeTimers();
    const refused = new Link({
      url: 'mqtt://b',
      topicRoot: 'arcgate',
      identity,
      serverPublicKey: keys.serverPublicKey,
      machineKind: 'electric_arc',
      firmware: 'f',
      clock,
      log: silentLogger,
      nextSeq: () => ++seq,
      state: () => 'locked',
      random: () => 0,
      connect: (url, options) => {
        const c = new FakeMqttClient(url, options);
        clients.push(c);
        return c;
      },
    });
    refused.start();
    for (let i = 0; i < 5; i++) {
      const c = clients.at(-1)!;
      // What mqtt.js does on CONNACK 4: an error, then close.
      c.emit('error', Object.assign(new Error('Connection refused: Bad username or password'), { code: 4 }));
      c.drop();
      jest.advanceTimersToNextTimer();
    }
    const attempts = clients.slice(-6);
    expect(
      attempts.every(
        (c) =>
          c.options.reconnectPeriod === 0 &&
          c.options.clientId === identity.chip &&
          c.options.username === identity.chip,
      ),
    ).toBe(true);
    const nonces = attempts.map((c) => {
      const v = verifyConnectToken(c.options.password, identity.publicKey, new Date(clock.now()), {
        username: identity.chip,
      });
      if (!v.ok) throw new Error(v.failure);
      return v.claims.nonce;
    });
    expect(new Set(nonces).size).toBe(6);
    await refused.stop();
  });

  it('announces offline on a dropped connection and fails pending requests', async () => {
    const c = await connect();
    const pending = link.requestArm('requestIdentifier003', {});
    c.drop();
    await expect(pending).resolves.toEqual({ kind: 'offline' });
    expect(link.online).toBe(false);
    expect(seen.map((s) => s.type)).toEqual(['online', 'offline']);
  });

  it('publishes the retained shutdown status when stopped', async () => {
    const c = await connect();
    await link.stop();
    const last = c.published.at(-1)!;
    expect(last).toEqual({
      topic: `arcgate/d/${identity.chip}/status`,
      payload: JSON.stringify({
        body: { online: false, reason: 'shutdown' },
        chip: identity.chip,
        type: 'status',
        v: 1,
      }),
      retain: true,
    });
    expect(c.ended).toBe(true);
  });

  it('still stops when the broker has gone silent and never acknowledges', async () => {
    const c = await connect();
    c.publish = function (topic: string, payload: string, opts: { qos: 1; retain: boolean }) {
      this.published.push({ topic, payload, retain: opts.retain });
      return this;
    };
    const gracefulEnd = c.end.bind(c);
    let forced = false;
    c.end = function (force: boolean, opts: object, cb: () => void) {
      if (force) {
        forced = true;
        return gracefulEnd(force, opts, cb);
      }
      return this;
    };
    const started = Date.now();
    await link.stop();
    expect(forced).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('uses a new message seq for every envelope', async () => {
    const c = await connect();
    await link.send('events', { events: [] });
    await link.send('events', { events: [] });
    const seqs = c.published.map((p) => (JSON.parse(p.payload) as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect(publicKeyToBase64Url(identity.privateKey)).toBe(identity.publicKey);
  });
});
