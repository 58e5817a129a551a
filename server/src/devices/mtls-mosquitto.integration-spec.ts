import { ChipKeyPair, downTopic, upTopic } from '@arcgate/protocol';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { MOSQUITTO_BINARY, MtlsMosquitto, startMtlsMosquitto } from '../../test-support/mtls-mosquitto';
import { createTestApp, TestApp } from '../../test-support/test-app';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  FakeDevice,
  waitUntil,
} from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import { DeviceGateway } from './device-gateway';
import { BrokerBundle } from './pki/broker-bundle';
import { defaultCaFiles, issueLeaf, loadOrCreateCa } from './pki/device-pki';

const suite = MOSQUITTO_BINARY ? describe : describe.skip;
if (!MOSQUITTO_BINARY)
  console.warn('mtls-mosquitto: SKIPPED, no mosquitto binary (apt-get install -y mosquitto; .ci/run installs it)');

/**
 * Device identity enforced by a real Mosquitto 2.0 (issue 17 §1): the config `npm run broker:config --
 * mosquitto` writes, on free ports in a temporary directory, with the server connected through its
 * own client certificate on the service listener. Nothing here goes through ArcGate's broker hooks.
 */
suite('mutual TLS on a real Mosquitto (generated config)', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let dir: string;
  let bundle: BrokerBundle;
  let mosquitto: MtlsMosquitto;
  let devicePort: number;
  let t: TestApp;
  let ids: DemoIds;
  const topicRoot = `mtls${randomBytes(3).toString('hex')}`;
  const open: MqttClient[] = [];
  const devices: FakeDevice[] = [];

  const deviceUrl = () => `mqtts://127.0.0.1:${devicePort}`;
  const tlsFor = (chip: ChipKeyPair, certPem: string): IClientOptions => ({
    ca: readFileSync(bundle.files.deviceCa),
    cert: certPem,
    key: chip.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    rejectUnauthorized: true,
  });
  /** The chip's certificate as provisioning delivers it: the API. */
  const certificateOf = async (
    machineId: string,
  ): Promise<{ certificatePem: string; serial: string; caPem: string }> => {
    const res = await t.http.get(`/api/machines/${machineId}/chip/certificate`).set(await t.auth('hengda.admin'));
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Resolves to the error of a connection the broker refuses (TLS handshake or CONNACK). */
  const refused = async (opts: IClientOptions & { url?: string }): Promise<Error> => {
    const { url, ...o } = opts;
    const outcome = await mqtt
      .connectAsync(url ?? deviceUrl(), { reconnectPeriod: 0, connectTimeout: 4000, ...o })
      .then(
        async (c) => {
          await c.endAsync(true);
          return null;
        },
        (e: Error) => e,
      );
    if (!outcome) throw new Error('connection accepted');
    return outcome;
  };
  const connected = async (opts: IClientOptions): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(deviceUrl(), { reconnectPeriod: 0, connectTimeout: 4000, ...opts });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-mtls-'));
    mosquitto = await startMtlsMosquitto(dir, topicRoot, !!process.env.MTLS_DEBUG);
    bundle = mosquitto.bundle;
    devicePort = mosquitto.devicePort;
    t = await createTestApp({ clock, config: mosquitto.appConfig });
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
  });
  afterAll(async () => {
    for (const d of devices) await d.close();
    for (const c of open) await c.endAsync(true).catch(() => undefined);
    await t?.close();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => clock.set(at9()));

  let chipA: ChipKeyPair;
  let chipB: ChipKeyPair;
  let certA: { certificatePem: string; serial: string; caPem: string };
  let certB: { certificatePem: string; serial: string; caPem: string };
  let deviceA: FakeDevice;
  const spy = async (filter: string) => {
    const c = await mqtt.connectAsync(t.config.mqtt.url, {
      clientId: `spy-${randomBytes(3).toString('hex')}`,
      ca: readFileSync(bundle.files.deviceCa),
      cert: readFileSync(bundle.serverClientCert),
      key: readFileSync(bundle.serverClientKey),
      reconnectPeriod: 0,
    });
    open.push(c);
    const got: { topic: string; payload: string }[] = [];
    c.on('message', (topic, payload) => got.push({ topic, payload: payload.toString() }));
    await c.subscribeAsync(filter, { qos: 1 });
    return { client: c, got };
  };

  it('a bound device connects with the certificate issued at binding and gets a grant through the server', async () => {
    chipA = await bindNewChip(t, ids.steelMachine1);
    chipB = await bindNewChip(t, ids.steelMachine2);
    certA = await certificateOf(ids.steelMachine1);
    certB = await certificateOf(ids.steelMachine2);
    expect(certA.caPem).toBe(readFileSync(bundle.files.deviceCa, 'utf8'));
    deviceA = new FakeDevice(t, clock, chipA);
    devices.push(deviceA);
    await deviceA.connect({ url: deviceUrl(), ...tlsFor(chipA, certA.certificatePem), password: undefined });
    await deviceA.online();
    await waitUntil(
      async () => (await t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [chipA.chip]))[0]?.online,
      5000,
      'device online through mosquitto',
    );
    const permitId = await approvedPermit(t, clock, ids);
    const code = await activeCode(t, ids.zhang);
    const { answer } = await deviceA.arm(deviceA.armBody({ kind: 'welder_code', code }, { permitId }));
    expect(answer).toMatchObject({ type: 'arm.grant' });
  });

  it('refuses anonymous clients, a certificate from another CA and an expired one', async () => {
    const ca = readFileSync(bundle.files.deviceCa);
    // No certificate at all: the TLS handshake fails (require_certificate); plain MQTT is not spoken there.
    await refused({ ca, rejectUnauthorized: true });
    await refused({ url: deviceUrl().replace('mqtts', 'mqtt') });
    const key = chipB.privateKey.export({ type: 'pkcs8', format: 'pem' });
    // Another CA's certificate for the very same bound chip and key.
    const otherCa = await loadOrCreateCa(defaultCaFiles(join(dir, 'other'), 'device-ca'), 'Other CA', new Date());
    const publicKey = createPublicKey(chipB.privateKey);
    const foreign = await issueLeaf(otherCa, { commonName: chipB.chip, publicKey, now: new Date(), validityDays: 30 });
    await refused({ ca, cert: foreign.pem, key });
    // The right CA, but expired (issued three years ago for one day).
    const deviceCa = await loadOrCreateCa(defaultCaFiles(dir, 'device-ca'), 'unused', new Date());
    const longAgo = new Date(Date.now() - 3 * 365 * 24 * 3600 * 1000);
    const expired = await issueLeaf(deviceCa, { commonName: chipB.chip, publicKey, now: longAgo, validityDays: 1 });
    await refused({ ca, cert: expired.pem, key });
    // The service listener does not take device certificates (another CA): no unforced client id there.
    await refused({ url: t.config.mqtt.url, ca, cert: certB.certificatePem, key });
    // ...while the genuine one is accepted.
    const ok = await connected(tlsFor(chipB, certB.certificatePem));
    await ok.endAsync();
  });

  it("a device neither receives another chip's messages nor publishes on its topics, nor takes over its session", async () => {
    let aClosed = 0;
    deviceA.client.on('close', () => aClosed++);
    const upOfA = await spy(`${topicRoot}/d/${chipA.chip}/up/#`);
    const upOfB = await spy(`${topicRoot}/d/${chipB.chip}/up/#`);
    // B asks for A's client id: the broker gives it its own (use_username_as_clientid), A stays connected.
    const b = await connected({ ...tlsFor(chipB, certB.certificatePem), clientId: chipA.chip });
    const received: string[] = [];
    b.on('message', (topic) => received.push(topic));
    const granted = await b.subscribeAsync(
      [
        `${topicRoot}/d/${chipA.chip}/down/#`,
        `${topicRoot}/d/+/down/#`,
        `${topicRoot}/#`,
        `${topicRoot}/d/${chipB.chip}/down/#`,
      ],
      { qos: 1 },
    );
    // Mosquitto 2 grants wildcard filters and filters the messages per delivery by the read ACL.
    expect(granted.map((g) => g.qos).slice(-1)).toEqual([1]);
    // What the server sends A, B does not see; A does.
    const before = deviceA.received.length;
    const probe = await spy(`${topicRoot}/none`);
    await probe.client.publishAsync(downTopic(topicRoot, chipA.chip, 'config'), '{"probe":1}', { qos: 1 });
    await waitUntil(async () => deviceA.received.length > before, 5000, 'A receives its own down message');
    // B publishes on A's up topic and its status: refused silently; on its own: delivered.
    await b.publishAsync(upTopic(topicRoot, chipA.chip, 'arm.request'), '{"forged":1}', { qos: 1 });
    await b.publishAsync(upTopic(topicRoot, chipB.chip, 'events'), '{"own":1}', { qos: 1 });
    await waitUntil(async () => upOfB.got.length > 0, 5000, "B's own up message");
    await new Promise((r) => setTimeout(r, 300));
    expect(upOfA.got).toEqual([]);
    expect(received.filter((topic) => topic.includes(chipA.chip))).toEqual([]);
    expect(aClosed).toBe(0);
    expect(deviceA.client.connected).toBe(true);
    await b.endAsync();
  });

  it('a revoked certificate is refused after unbind, CRL rewrite and reload; its live session is ended', async () => {
    const live = await connected(tlsFor(chipB, certB.certificatePem));
    let liveClosed = false;
    live.on('close', () => (liveClosed = true));
    const res = await t.http
      .post(`/api/machines/${ids.steelMachine2}/chip/unbind`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: 'bound_by_mistake' });
    expect(res.status).toBe(204);
    // The CRL is published (file and endpoint) with B's serial; the server has sent SIGHUP to mosquitto.
    await waitUntil(
      async () => (await t.http.get('/api/devices/crl')).text.length > 0 && (await listsSerial(certB.serial)),
      8000,
      'CRL lists the revoked serial',
    );
    await waitUntil(
      async () => {
        try {
          await refused(tlsFor(chipB, certB.certificatePem));
          return true;
        } catch {
          return false;
        }
      },
      8000,
      'mosquitto refuses the revoked certificate',
    );
    // The session that was up when the chip was unbound is ended (the broker checks the CRL only at set-up).
    await waitUntil(async () => liveClosed, 8000, 'the live session of the unbound chip ended');
    // The certificate is no longer offered for the machine, and A is unaffected.
    expect(
      (await t.http.get(`/api/machines/${ids.steelMachine2}/chip/certificate`).set(await t.auth('hengda.admin')))
        .status,
    ).toBe(409);
    await connected(tlsFor(chipA, certA.certificatePem)).then((c) => c.endAsync());
  });

  it('a replica that falls behind loses nothing: the broker holds its backlog instead of dropping it', async () => {
    // Mosquitto's defaults (20 in flight, 1,000 queued per client) dropped statuses at 20,000 devices.
    const N = 3_000;
    const topic = `${topicRoot}/flow-check`;
    const serverIdentity = {
      ca: readFileSync(bundle.files.deviceCa),
      cert: readFileSync(bundle.serverClientCert),
      key: readFileSync(bundle.serverClientKey),
      reconnectPeriod: 0,
    };
    const got = new Set<string>();
    let release: (() => void) | null = null;
    const slow = await mqtt.connectAsync(t.config.mqtt.url, {
      ...serverIdentity,
      clientId: `slow-${randomBytes(3).toString('hex')}`,
      // mqtt.js lets the application hold an acknowledgement only on MQTT 5. Receive Maximum 20 keeps the
      // broker's in-flight window as small as its default for the 3.1.1 replicas, so the backlog is queued.
      protocolVersion: 5,
      properties: { receiveMaximum: 20 },
      // The first message is not acknowledged until every message has been published: mqtt.js reads
      // nothing more meanwhile, so everything else waits at the broker, in flight or queued.
      customHandleAcks: (_topic, message, _packet, done) => {
        got.add(message.toString());
        if (got.size === 1) release = () => done(0);
        else done(0);
      },
    });
    open.push(slow);
    await slow.subscribeAsync(topic, { qos: 1 });
    const publisher = await mqtt.connectAsync(t.config.mqtt.url, {
      ...serverIdentity,
      clientId: `burst-${randomBytes(3).toString('hex')}`,
    });
    open.push(publisher);
    await Promise.all(Array.from({ length: N }, (_, i) => publisher.publishAsync(topic, String(i), { qos: 1 })));
    await waitUntil(async () => release !== null, 5000, 'first message held');
    expect(got.size).toBe(1);
    (release as unknown as () => void)();
    await waitUntil(async () => got.size === N, 15_000, `all ${N} messages delivered`);
  });

  const listsSerial = async (serial: string): Promise<boolean> => {
    const { X509Crl } = await import('@peculiar/x509');
    const crl = new X509Crl((await t.http.get('/api/devices/crl')).text);
    return crl.entries.some((e) => e.serialNumber.toLowerCase() === serial);
  };
});
