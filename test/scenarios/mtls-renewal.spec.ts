/**
 * Certificate renewal over mutual TLS (issue 17 §1, docs/protocol.md §3.4), end to end: the real agent
 * and firmware simulator on a real Mosquitto configured by `npm run broker:config -- mosquitto`, with
 * a chip certificate valid for 30 s (DEVICE_CERT_VALIDITY_S). The agent renews it over MQTT before it
 * expires, stores the new one and reconnects with it; once the first certificate has expired, the
 * broker refuses it, and the agent, cut off and reconnected, is let in with the renewed one and arms.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { MOSQUITTO_BINARY, MtlsMosquitto, startMtlsMosquitto } from '../../server/test-support/mtls-mosquitto';
import { Bench, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import { activeCode } from '../support/platform-api';

const suite = MOSQUITTO_BINARY ? describe : describe.skip;
if (!MOSQUITTO_BINARY)
  console.warn('mtls-renewal: SKIPPED, no mosquitto binary (apt-get install -y mosquitto; .ci/run installs it)');

const VALIDITY_S = 30;
/** Renew with 20 s left: 10 s after binding. */
const RENEW_BEFORE_S = 20;

suite('device certificate renewal over mutual TLS (real Mosquitto, real agent)', () => {
  let dir: string;
  let mosquitto: MtlsMosquitto;
  let bench: Bench;
  let rig: MachineRig;
  let machineId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-mtls-renewal-'));
    mosquitto = await startMtlsMosquitto(dir, `mtlsrenew${process.pid}`);
    bench = await Bench.start({
      config: {
        ...mosquitto.appConfig,
        devicePki: {
          ...mosquitto.appConfig.devicePki,
          certValiditySeconds: VALIDITY_S,
          // A second renewal of the renewed certificate (due 10 s after it) is refused: one per minute.
          renewMinIntervalS: 60,
        },
      },
    });
    machineId = bench.ids.steelMachines[0];
    rig = await bench.machine(
      'renew-m1',
      machineId,
      { certRenewal: { beforeS: RENEW_BEFORE_S, fraction: 1 } },
      { deviceUrl: mosquitto.deviceUrl, caFile: mosquitto.bundle.files.deviceCa },
    );
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
  }, 60_000);

  afterAll(async () => {
    await bench?.close();
    await mosquitto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const certRows = () =>
    bench.t.ds.query<
      {
        serial: string;
        renewal_request_id: string | null;
        renews_serial: string | null;
        superseded_at: Date | null;
        not_after: Date;
      }[]
    >(
      `SELECT serial, renewal_request_id, renews_serial, superseded_at, not_after FROM device_certificates
        WHERE chip_id = $1 ORDER BY issued_at`,
      [rig.chip],
    );

  it('renews before expiry, reconnects with the new certificate, and works on it after the old one expired', async () => {
    const [first] = await certRows();
    expect(rig.agent.online).toBe(true);

    // The agent asks by itself once the renewal window opens; the server records the renewal.
    const renewed = await waitFor(
      'a renewed certificate',
      async () => (await certRows()).find((r) => r.renews_serial === first.serial),
      25_000,
    );
    expect(renewed.renewal_request_id).toBeTruthy();
    // The agent stored exactly that certificate, atomically, in its data directory, and reconnected.
    const stored = join(rig.dataDir, 'tls', 'chip-cert.pem');
    await waitFor('the renewed certificate stored', () => existsSync(stored), 10_000);
    expect(new X509Certificate(readFileSync(stored, 'utf8')).serialNumber.toLowerCase()).toBe(renewed.serial);
    await waitFor(
      'reconnected with the renewed certificate',
      () => rig.logs.some((l) => l.includes('certificate renewed')) && rig.agent.online,
      10_000,
    );
    expect((await certRows()).find((r) => r.serial === first.serial)?.superseded_at).not.toBeNull();

    // Past the first certificate's end: the broker refuses it (so what follows cannot pass on it)…
    await waitFor('the first certificate expired', () => Date.now() > first.not_after.getTime() + 1_000, 30_000);
    const firstPem = (
      await bench.t.ds.query(`SELECT pem FROM device_certificates WHERE serial = $1`, [first.serial])
    )[0].pem as string;
    const refused = await mqtt
      .connectAsync(mosquitto.deviceUrl, {
        ca: readFileSync(mosquitto.bundle.files.deviceCa, 'utf8'),
        cert: firstPem,
        key: rig.identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        rejectUnauthorized: true,
        reconnectPeriod: 0,
        connectTimeout: 4_000,
      })
      .then(
        async (c) => (await c.endAsync(true), false),
        () => true,
      );
    expect(refused).toBe(true);

    // …and the agent, its connection cut and restored, gets back in with the renewed one and arms.
    rig.network.cut();
    await waitFor('offline after the cut', () => !rig.agent.online, 10_000);
    rig.network.restore();
    await waitFor('online again on the renewed certificate', () => rig.agent.online, 15_000);
    await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).url);
    await waitFor('armed over mTLS', () => rig.relayClosed() && rig.agent.state === 'armed', 20_000);

    const audit = await bench.t.ds.query(
      `SELECT after FROM audit_log WHERE action = 'device.certificate.renew' AND entity_id = $1`,
      [machineId],
    );
    expect(audit.map((a: { after: { serial: string } }) => a.after.serial)).toContain(renewed.serial);
  }, 90_000);
});
