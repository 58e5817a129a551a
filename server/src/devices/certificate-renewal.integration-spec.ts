import {
  ChipKeyPair,
  createEnvelope,
  deviceDownFilter,
  Envelope,
  generateChipKeyPair,
  makeConnectToken,
  ReasonCode,
  signEnvelope,
  upTopic,
} from '@arcgate/protocol';
import mqtt, { MqttClient } from 'mqtt';
import { X509Certificate } from 'node:crypto';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/mqtt-connection';
import { DeviceGateway } from './device-gateway';

/**
 * Device certificate renewal over MQTT (issue 17 §1, docs/protocol.md §3.4), against the real
 * application, a real broker and PostgreSQL: a bound chip gets a new certificate for its own key,
 * recorded and audited; a retry gets the same one; the superseded one goes on the CRL after its
 * grace; renewal is refused for a mismatched key, a certificate that is not the chip's, a revoked
 * one, an unbound or retired chip, and beyond the rate limits.
 */

interface Dev {
  chip: ChipKeyPair;
  machineId: string;
  client: MqttClient;
  received: { topic: string; message: Envelope }[];
  seq: number;
}

const GRACE_S = 2;

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('device certificate renewal over MQTT (real broker and database)', () => {
  let t: TestApp;
  let root: string;
  const devs: Dev[] = [];
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({
      broker: 'embedded',
      config: { devicePki: { renewMinIntervalS: 3600, supersededGraceS: GRACE_S } },
    });
    root = t.config.mqtt.topicRoot;
    await t.app.get(DeviceGateway).ready();
  });
  afterAll(async () => {
    await Promise.all(devs.map((d) => d.client.endAsync(true).catch(() => undefined)));
    await t.close();
  });

  const admin = () => t.auth('hengda.admin');

  async function bind(machineId: string, chip: ChipKeyPair): Promise<void> {
    const res = await t.http
      .post(`/api/machines/${machineId}/chip`)
      .set(await admin())
      .send({ chipId: chip.chip, publicKey: chip.publicKeyRaw });
    expect(res.status).toBe(200);
  }

  async function boundDevice(): Promise<Dev> {
    const chip = generateChipKeyPair();
    const made = await t.http
      .post('/api/machines')
      .set(await admin())
      .send({
        name: '续期测试焊机',
        kind: 'electric_arc',
        manufacturer: '瑞凌',
        model: 'ZX7-400',
        serialNumber: `RENEW-${process.pid}-${++n}`,
        ratedInputKva: 15.5,
      });
    expect(made.status).toBe(201);
    const machineId = (made.body as { id: string }).id;
    await bind(machineId, chip);
    const d: Dev = { chip, machineId, client: null as unknown as MqttClient, received: [], seq: 0 };
    await connect(d);
    devs.push(d);
    return d;
  }

  async function connect(d: Dev): Promise<void> {
    await d.client?.endAsync(true).catch(() => undefined);
    d.client = await mqtt.connectAsync(t.config.mqtt.url, {
      clientId: d.chip.chip,
      username: d.chip.chip,
      password: makeConnectToken(d.chip.privateKey, new Date()),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    d.client.on('message', (topic, payload) =>
      d.received.push({ topic, message: JSON.parse(payload.toString('utf8')) as Envelope }),
    );
    await d.client.subscribeAsync(deviceDownFilter(root, d.chip.chip), { qos: 1 });
  }

  const current = async (machineId: string) => {
    const res = await t.http.get(`/api/machines/${machineId}/chip/certificate`).set(await admin());
    expect(res.status).toBe(200);
    return res.body as { serial: string; certificatePem: string; caPem: string; notAfter: string };
  };

  const renewRequest = (d: Dev, body: { serial: string; publicKey: string }): Envelope =>
    signEnvelope(
      d.chip.privateKey,
      createEnvelope('cert.renew', { chip: d.chip.chip, body, seq: ++d.seq }, new Date()) as Envelope,
    );
  const publish = (d: Dev, m: Envelope) =>
    d.client.publishAsync(upTopic(root, d.chip.chip, 'cert.renew'), JSON.stringify(m), { qos: 1 });
  const answers = (d: Dev, requestId: string) =>
    d.received
      .filter(
        (r) =>
          /down\/cert\.(issued|denied)$/.test(r.topic) &&
          (r.message.body as { requestId: string }).requestId === requestId,
      )
      .map((r) => r.message);
  async function ask(d: Dev, m: Envelope, count = 1): Promise<Envelope> {
    await publish(d, m);
    return waitFor(async () => answers(d, m.id)[count - 1], `answer ${count} to ${m.id}`);
  }
  const certRows = (chip: string) =>
    t.ds.query<
      {
        serial: string;
        renewal_request_id: string | null;
        renews_serial: string | null;
        superseded_at: Date | null;
        revoked_at: Date | null;
      }[]
    >(
      `SELECT serial, renewal_request_id, renews_serial, superseded_at, revoked_at FROM device_certificates
        WHERE chip_id = $1 ORDER BY issued_at`,
      [chip],
    );
  const auditOf = (action: string, machineId: string) =>
    t.ds.query<{ actor_role: string; before: Record<string, unknown> | null; after: Record<string, unknown> }[]>(
      `SELECT actor_role, before, after FROM audit_log WHERE action = $1 AND entity_id = $2 ORDER BY id`,
      [action, machineId],
    );
  const crlSerials = async (): Promise<string[]> => {
    const { X509Crl } = await import('@peculiar/x509');
    const crl = new X509Crl((await t.http.get('/api/devices/crl')).text);
    return crl.entries.map((e) => e.serialNumber.toLowerCase());
  };

  it('issues a certificate for the same key with a new serial, records and audits it; a retry gets the same one', async () => {
    const d = await boundDevice();
    const before = await current(d.machineId);
    const request = renewRequest(d, { serial: before.serial, publicKey: d.chip.publicKeyRaw });
    const answer = await ask(d, request);
    expect(answer.type).toBe('cert.issued');
    const body = answer.body as {
      serial: string;
      supersedes: string;
      notBefore: string;
      notAfter: string;
      certificatePem: string;
    };
    expect(body.supersedes).toBe(before.serial);
    expect(body.serial).not.toBe(before.serial);

    // The certificate: same key, CN = chip id, signed by the device CA, serial and validity as announced.
    const cert = new X509Certificate(body.certificatePem);
    const ca = new X509Certificate(before.caPem);
    expect(cert.subject).toBe(`CN=${d.chip.chip}`);
    expect(cert.publicKey.export({ format: 'jwk' }).x).toBe(d.chip.publicKeyRaw);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.serialNumber.toLowerCase()).toBe(body.serial);
    expect(Math.abs(Date.parse(cert.validTo) - Date.parse(body.notAfter))).toBeLessThan(1000);
    expect(Date.parse(body.notAfter)).toBeGreaterThan(Date.parse(before.notAfter));

    // Recorded with its request and the serial it supersedes; the console now offers the new one.
    const rows = await certRows(d.chip.chip);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      serial: body.serial,
      renewal_request_id: request.id,
      renews_serial: before.serial,
    });
    expect(rows[0].superseded_at).not.toBeNull();
    expect((await current(d.machineId)).serial).toBe(body.serial);

    const audit = await auditOf('device.certificate.renew', d.machineId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_role: 'system',
      before: { chipId: d.chip.chip, serial: before.serial },
      after: { chipId: d.chip.chip, serial: body.serial, requestId: request.id },
    });

    // The device's identical retry (lost answer): the same certificate, nothing new issued or audited.
    const again = await ask(d, request, 2);
    expect(again.type).toBe('cert.issued');
    expect((again.body as { serial: string }).serial).toBe(body.serial);
    expect(await certRows(d.chip.chip)).toHaveLength(2);
    expect(await auditOf('device.certificate.renew', d.machineId)).toHaveLength(1);

    // A new request within DEVICE_CERT_RENEW_MIN_INTERVAL_S: RATE_LIMITED, with when to come back.
    const soon = await ask(d, renewRequest(d, { serial: body.serial, publicKey: d.chip.publicKeyRaw }));
    expect(soon.type).toBe('cert.denied');
    expect(soon.body).toMatchObject({ reason: ReasonCode.RATE_LIMITED });
    const retryAfterS = (soon.body as { retryAfterS: number }).retryAfterS;
    expect(retryAfterS).toBeGreaterThan(3500);
    expect(retryAfterS).toBeLessThanOrEqual(3600);
    expect(await certRows(d.chip.chip)).toHaveLength(2);

    // After the grace the superseded certificate is revoked and on the CRL; the new one is not.
    await waitFor(
      async () => (await crlSerials()).includes(before.serial),
      'the superseded serial on the CRL',
      (GRACE_S + 5) * 1000,
    );
    expect(await crlSerials()).not.toContain(body.serial);
    expect((await certRows(d.chip.chip))[0].revoked_at).not.toBeNull();

    // An unbind revokes the renewed certificate at once, like any other.
    const unbind = await t.http
      .post(`/api/machines/${d.machineId}/chip/unbind`)
      .set(await admin())
      .send({ reason: 'chip_faulty' });
    expect(unbind.status).toBe(204);
    await waitFor(async () => (await crlSerials()).includes(body.serial), 'the renewed serial on the CRL after unbind');
  });

  it('refuses a key other than the bound one and a serial that is not the chip’s, and audits both', async () => {
    const d = await boundDevice();
    const other = await boundDevice();
    const mine = await current(d.machineId);
    const theirs = await current(other.machineId);

    const wrongKey = await ask(
      d,
      renewRequest(d, { serial: mine.serial, publicKey: generateChipKeyPair().publicKeyRaw }),
    );
    expect(wrongKey.type).toBe('cert.denied');
    expect(wrongKey.body).toMatchObject({ reason: ReasonCode.DEVICE_CERT_KEY_MISMATCH });

    const notMine = await ask(d, renewRequest(d, { serial: theirs.serial, publicKey: d.chip.publicKeyRaw }));
    expect(notMine.body).toMatchObject({ reason: ReasonCode.DEVICE_CERT_UNKNOWN });
    const unknown = await ask(d, renewRequest(d, { serial: 'abcdef0123456789', publicKey: d.chip.publicKeyRaw }));
    expect(unknown.body).toMatchObject({ reason: ReasonCode.DEVICE_CERT_UNKNOWN });

    expect(await certRows(d.chip.chip)).toHaveLength(1);
    const refusals = await auditOf('device.certificate.renew_refused', d.machineId);
    expect(refusals.map((r) => r.after.refusal)).toEqual([
      ReasonCode.DEVICE_CERT_KEY_MISMATCH,
      ReasonCode.DEVICE_CERT_UNKNOWN,
      ReasonCode.DEVICE_CERT_UNKNOWN,
    ]);

    // The burst of attempts is spent (3): the fourth is told to wait, before any check or audit.
    const fourth = await ask(d, renewRequest(d, { serial: mine.serial, publicKey: d.chip.publicKeyRaw }));
    expect(fourth.body).toMatchObject({ reason: ReasonCode.RATE_LIMITED });
    expect((fourth.body as { retryAfterS: number }).retryAfterS).toBeGreaterThan(0);
    expect(await certRows(d.chip.chip)).toHaveLength(1);
    expect(await auditOf('device.certificate.renew_refused', d.machineId)).toHaveLength(3);
  });

  /**
   * A request that was on its way when the chip was unbound: the broker refuses an unbound chip's
   * connection and drops its session, so the request is handed to the gateway as the subscription
   * would, and the answer is read on the chip's down topic with the server's own broker identity.
   */
  async function inFlight(d: Dev, m: Envelope): Promise<Envelope> {
    const observer = await mqtt.connectAsync(t.config.mqtt.url, {
      clientId: `observer-${process.pid}-${++n}`,
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(t.config),
      reconnectPeriod: 0,
    });
    try {
      const seen: Envelope[] = [];
      observer.on('message', (_topic, payload) => seen.push(JSON.parse(payload.toString('utf8')) as Envelope));
      await observer.subscribeAsync(deviceDownFilter(root, d.chip.chip), { qos: 1 });
      await t.app.get(DeviceGateway).handle({
        topic: upTopic(root, d.chip.chip, 'cert.renew'),
        chip: d.chip.chip,
        kind: 'up/cert.renew',
        type: 'cert.renew',
        payload: Buffer.from(JSON.stringify(m)),
        retained: false,
      });
      return await waitFor(
        async () => seen.find((x) => (x.body as { requestId?: string }).requestId === m.id),
        `answer to ${m.id}`,
      );
    } finally {
      await observer.endAsync(true);
    }
  }

  it('refuses an unbound chip, a retired machine’s chip and a revoked certificate', async () => {
    // Unbound: the chip is known (it was bound), its signature verifies, so it is told why.
    const u = await boundDevice();
    const uCert = await current(u.machineId);
    const unbind = await t.http
      .post(`/api/machines/${u.machineId}/chip/unbind`)
      .set(await admin())
      .send({ reason: 'chip_faulty' });
    expect(unbind.status).toBe(204);
    const unbound = await inFlight(u, renewRequest(u, { serial: uCert.serial, publicKey: u.chip.publicKeyRaw }));
    expect(unbound.body).toMatchObject({ reason: ReasonCode.CHIP_NOT_BOUND });

    // Retiring the machine unbinds its chip in the same transaction: the chip can no longer renew.
    const r = await boundDevice();
    const rCert = await current(r.machineId);
    const retire = await t.http
      .post(`/api/machines/${r.machineId}/status`)
      .set(await admin())
      .send({ status: 'retired', reason: '报废' });
    expect(retire.status).toBe(200);
    const retired = await inFlight(r, renewRequest(r, { serial: rCert.serial, publicKey: r.chip.publicKeyRaw }));
    expect(retired.body).toMatchObject({ reason: ReasonCode.CHIP_NOT_BOUND });
    expect(await certRows(r.chip.chip)).toHaveLength(1);

    // Revoked: the chip was unbound (certificate revoked) and bound again (new certificate); the old
    // certificate cannot be renewed.
    const v = await boundDevice();
    const oldCert = await current(v.machineId);
    expect(
      (
        await t.http
          .post(`/api/machines/${v.machineId}/chip/unbind`)
          .set(await admin())
          .send({ reason: 'chip_faulty' })
      ).status,
    ).toBe(204);
    // The broker drops the unbound chip's session; only then is it bound again and reconnected.
    await waitFor(async () => !v.client.connected, 'the unbound chip disconnected');
    await bind(v.machineId, v.chip);
    await connect(v);
    const revoked = await ask(v, renewRequest(v, { serial: oldCert.serial, publicKey: v.chip.publicKeyRaw }));
    expect(revoked.body).toMatchObject({ reason: ReasonCode.DEVICE_CERT_REVOKED });
    const refusals = await auditOf('device.certificate.renew_refused', v.machineId);
    expect(refusals.map((x) => x.after.refusal)).toEqual([ReasonCode.DEVICE_CERT_REVOKED]);
    // Its certificate in force renews.
    const ok = await ask(
      v,
      renewRequest(v, { serial: (await current(v.machineId)).serial, publicKey: v.chip.publicKeyRaw }),
    );
    expect(ok.type).toBe('cert.issued');
  });
});
