/**
 * Two server replicas (issue 17 §2): two real server processes (server/dist/main.js) on one
 * PostgreSQL database, behind a real Mosquitto running the configuration `npm run broker:config --
 * mosquitto` writes (mutual TLS, `$share/arcgate-server/...`). Devices are protocol-level clients
 * on mutual TLS that retry exactly as the device agent does (mtls-device.ts). Which replica got each
 * message is read from the broker's own packet log, not from what the servers say about themselves.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateChipKeyPair } from '@arcgate/protocol';
import { Client } from 'pg';
import { MOSQUITTO_BINARY, MtlsMosquitto, startMtlsMosquitto } from '../../server/test-support/mtls-mosquitto';
import { adminQuery, uniqueName, withDatabase } from '../../server/test-support/test-database';
import { SITE } from '../support/bench-site';
import { ArmOutcome, MtlsDevice } from '../support/mtls-device';
import {
  activeCode,
  approvedPermitNow,
  bindChip,
  fetchApi,
  findDemoRecords,
  ok,
  PlatformApi,
} from '../support/platform-api';
import { ServerReplica, sharedSecrets } from '../support/server-replica';

const suite = MOSQUITTO_BINARY ? describe : describe.skip;
if (!MOSQUITTO_BINARY)
  console.warn('two-replicas: SKIPPED, no mosquitto binary (apt-get install -y mosquitto; .ci/run installs it)');

const DEVICES = 6;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** What the broker logged: which server client (replica) published each answer, in order. */
function answersByReplica(log: string, root: string): { server: string; chip: string; type: string }[] {
  const re = new RegExp(
    `Received PUBLISH from (arcgate-server-[0-9a-f]+) \\([^']*'${root}/d/([A-Z0-9]+)/down/(arm\\.grant|arm\\.denied)'`,
    'g',
  );
  return [...log.matchAll(re)].map((m) => ({ server: m[1], chip: m[2], type: m[3] }));
}

/** How many arm requests the broker has handed to one server client so far. */
function armRequestsHandedTo(log: string, server: string): number {
  return log
    .split(`Sending PUBLISH to ${server} (`)
    .filter((rest, i) => i > 0 && /^[^']*'[^']*\/up\/arm\.request'/.test(rest)).length;
}

/** The broker client id of a replica's MQTT connection, found by the local port the broker logged for it. */
function clientIdOf(log: string, replica: ServerReplica, servicePort: number): string {
  const ports = replica.localPortsTo(servicePort);
  const found = [...log.matchAll(/New client connected from [\d.]+:(\d+) as (arcgate-server-[0-9a-f]+)/g)].filter((m) =>
    ports.includes(Number(m[1])),
  );
  if (found.length !== 1)
    throw new Error(`${replica.name}: ${found.length} broker sessions on ports ${ports.join(', ')}`);
  return found[0][2];
}

/** A live alert stream (SSE) opened with a one-time ticket; collects the ids of the alerts it is sent. */
async function openAlertStream(baseUrl: string, ticket: string): Promise<{ ids: Set<string>; close(): void }> {
  const ac = new AbortController();
  const res = await fetch(`${baseUrl}/api/alerts/stream?ticket=${encodeURIComponent(ticket)}`, { signal: ac.signal });
  if (res.status !== 200 || !res.body) throw new Error(`alert stream on ${baseUrl}: ${res.status}`);
  const ids = new Set<string>();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (!/^event: alert$/m.test(frame)) continue;
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (data) ids.add((JSON.parse(data) as { id: string }).id);
        }
      }
    } catch {
      // aborted
    }
  })();
  return { ids, close: () => ac.abort() };
}

suite('two server replicas on one database and a mutual-TLS Mosquitto', () => {
  const root = `replicas${process.pid}`;
  let dir: string;
  let dbName: string;
  let dbUrl: string;
  let db: Client;
  let mosquitto: MtlsMosquitto;
  let a: ServerReplica;
  let b: ServerReplica;
  /** Their MQTT client ids (arcgate-server-<hex>) as the broker logs them. */
  let idA: string;
  let idB: string;
  let apiA: PlatformApi;
  let apiB: PlatformApi;
  let devices: { device: MtlsDevice; machineId: string }[] = [];
  let zhangCode: string;
  let sunCode: string;
  let permitId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-replicas-'));
    const shared = join(dir, 'shared');
    mosquitto = await startMtlsMosquitto(shared, root, 'capture');
    const adminUrl = process.env.ARCGATE_TEST_ADMIN_URL!;
    dbName = uniqueName('arcgate_replicas');
    // A migrated, empty database (the migration race of replicas starting together is
    // concurrent-migrations.integration-spec.ts): both replicas start at once and seed it, one after the other.
    await adminQuery(adminUrl, `CREATE DATABASE ${dbName} TEMPLATE ${process.env.ARCGATE_TEST_TEMPLATE_DB}`);
    dbUrl = withDatabase(adminUrl, dbName);
    const tls = mosquitto.appConfig.mqtt!.tls!;
    // Everything the replicas share: database, broker, secrets, device CA and the CRL file the broker reads.
    const env = {
      DATABASE_URL: dbUrl,
      MQTT_URL: mosquitto.appConfig.mqtt!.url,
      MQTT_TOPIC_ROOT: root,
      MQTT_CA_FILE: tls.caFile,
      MQTT_CLIENT_CERT_FILE: tls.certFile,
      MQTT_CLIENT_KEY_FILE: tls.keyFile,
      DEVICE_CA_CERT_FILE: join(shared, 'pki', 'device-ca.crt'),
      DEVICE_CA_KEY_FILE: join(shared, 'pki', 'device-ca.key'),
      DEVICE_CRL_FILE: join(shared, 'pki', 'device-ca.crl'),
      DEVICE_CRL_RELOAD_COMMAND: `kill -HUP ${mosquitto.pid}`,
      SEED_DEMO_DATA: 'true',
      ...sharedSecrets(),
    };
    const starting = Date.now();
    [a, b] = await Promise.all([
      ServerReplica.start('replica-a', join(dir, 'a'), env),
      ServerReplica.start('replica-b', join(dir, 'b'), env),
    ]);
    console.log(`two-replicas: both replicas started together and healthy in ${Date.now() - starting} ms`);
    idA = clientIdOf(mosquitto.log(), a, mosquitto.servicePort);
    idB = clientIdOf(mosquitto.log(), b, mosquitto.servicePort);
    apiA = fetchApi(a.baseUrl);
    apiB = fetchApi(b.baseUrl);
    db = new Client({ connectionString: dbUrl });
    await db.connect();

    const ids = await findDemoRecords(apiA);
    const machineIds: string[] = [];
    for (let i = 0; i < DEVICES; i++) {
      // 加机: registered through replica A or B alternately (either one serves the whole API).
      const api = i % 2 ? apiB : apiA;
      const m = await ok(api, 'hengda.admin', 'POST', '/api/machines', {
        name: `副本测试焊机${i + 1}`,
        kind: 'electric_arc',
        manufacturer: '上海通用',
        model: 'ZX7-400',
        serialNumber: `REPL-${process.pid}-${i + 1}`,
        ratedInputKva: 21,
        ratedCurrentA: 400,
      });
      // A new machine waits for activation (启用) before it may be armed.
      await ok(apiA, 'admin', 'POST', `/api/machines/${m.id}/status`, { status: 'active' });
      machineIds.push(m.id as string);
    }
    permitId = await approvedPermitNow(apiA, { site: SITE, welderIds: [ids.zhang], machineIds });
    zhangCode = (await activeCode(apiA, 'welders', ids.zhang)).code;
    sunCode = (await activeCode(apiB, 'welders', ids.sun)).code;
    const ca = readFileSync(mosquitto.bundle.files.deviceCa, 'utf8');
    for (let i = 0; i < DEVICES; i++) {
      const key = generateChipKeyPair();
      await bindChip(i % 2 ? apiA : apiB, machineIds[i], { chip: key.chip, publicKey: key.publicKeyRaw });
      const cert = await ok(
        i % 2 ? apiB : apiA,
        'hengda.admin',
        'GET',
        `/api/machines/${machineIds[i]}/chip/certificate`,
      );
      const device = new MtlsDevice(key, mosquitto.deviceUrl, root, { ca, cert: cert.certificatePem as string });
      await device.connect();
      devices.push({ device, machineId: machineIds[i] });
    }
  }, 110_000);

  afterAll(async () => {
    for (const d of devices) await d.device.close();
    devices = [];
    await db?.end().catch(() => undefined);
    await a?.stop();
    await b?.stop();
    await mosquitto?.stop();
    if (dbName && process.env.ARCGATE_TEST_ADMIN_URL)
      await adminQuery(process.env.ARCGATE_TEST_ADMIN_URL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(
        () => undefined,
      );
    if (dir && process.env.ARCGATE_KEEP_RIG !== '1') rmSync(dir, { recursive: true, force: true });
  });

  const grantIdsOf = (o: ArmOutcome) =>
    new Set(o.answers.filter((m) => m.type === 'arm.grant').map((m) => m.body.grantId));

  it('splits the devices’ arm requests across both replicas through the shared subscription', async () => {
    const outcomes = (
      await Promise.all(
        devices.map(async ({ device }) => {
          const mine: ArmOutcome[] = [];
          for (let k = 0; k < 6; k++) mine.push(await device.arm(zhangCode, permitId, SITE));
          return mine;
        }),
      )
    ).flat();
    expect(outcomes.filter((o) => o.answeredAt === null)).toEqual([]);
    expect(outcomes.filter((o) => o.answers[0].type !== 'arm.grant').map((o) => o.answers[0].body)).toEqual([]);
    const answers = answersByReplica(mosquitto.log(), root);
    const byA = answers.filter((x) => x.server === idA).length;
    const byB = answers.filter((x) => x.server === idB).length;
    console.log(
      `two-replicas: ${answers.length} arm answers, replica A ${byA} (${Math.round((100 * byA) / answers.length)} %), replica B ${byB} (${Math.round((100 * byB) / answers.length)} %); RSS A ${a.rssMb()} MB, B ${b.rssMb()} MB`,
    );
    expect(byA + byB).toBe(outcomes.length);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
  });

  it('a revocation through replica A reaches a device whose grant replica B issued', async () => {
    const d = devices[0];
    // Arm until replica B is the one that answers (the broker alternates between the replicas).
    let grantId: string | null = null;
    for (let k = 0; k < 10 && !grantId; k++) {
      const before = answersByReplica(mosquitto.log(), root).length;
      const o = await d.device.arm(zhangCode, permitId, SITE);
      const answers = answersByReplica(mosquitto.log(), root).slice(before);
      const last = answers.filter((x) => x.chip === d.device.chip).pop();
      if (last?.server === idB && o.answers[0]?.type === 'arm.grant') grantId = o.answers[0].body.grantId as string;
    }
    expect(grantId).toBeTruthy();
    const at = Date.now();
    await ok(apiA, 'hengda.admin', 'POST', `/api/machines/${d.machineId}/status`, {
      status: 'suspended',
      reason: '副本测试：停用',
    });
    const revoke = await until('grant.revoke at the device', () =>
      d.device.received.find((m) => m.type === 'grant.revoke' && m.body.grantId === grantId),
    );
    console.log(`two-replicas: grant.revoke reached the device ${Date.now() - at} ms after the HTTP call`);
    expect(revoke.body.reason).toBeTruthy();
    // That device's machine is suspended now: it takes no further part.
    devices = devices.slice(1);
  });

  it('live alert streams on both replicas see every alert, whichever replica raised it', async () => {
    // Each stream is opened with a ticket issued by the other replica: tickets live in the database.
    const ticket = async (api: PlatformApi) => (await ok(api, 'admin', 'POST', '/api/alerts/stream-ticket')).ticket;
    const onA = await openAlertStream(a.baseUrl, await ticket(apiB));
    const onB = await openAlertStream(b.baseUrl, await ticket(apiA));
    try {
      await sleep(300);
      // 孙磊 holds no certificate: every machine he tries raises UNLICENSED_ATTEMPT (one alert per machine).
      const outcomes = await Promise.all(devices.map(({ device }) => device.arm(sunCode, permitId, SITE)));
      expect(outcomes.every((o) => o.answers[0]?.type === 'arm.denied')).toBe(true);
      const alertIds = await until('one alert per machine', async () => {
        const rows = await db.query<{ id: string }>(
          `SELECT id FROM alerts WHERE type = 'UNLICENSED_ATTEMPT' AND machine_id = ANY($1)`,
          [devices.map((d) => d.machineId)],
        );
        return rows.rows.length === devices.length ? rows.rows.map((r) => r.id) : null;
      });
      await until('every alert on both streams', () => alertIds.every((id) => onA.ids.has(id) && onB.ids.has(id)));
      const answers = answersByReplica(mosquitto.log(), root).slice(-devices.length);
      console.log(
        `two-replicas: ${alertIds.length} alerts raised by ${new Set(answers.map((x) => x.server)).size} replica(s), all on both streams`,
      );
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('kill -9 of one replica under load: every request answered, no grant twice, no event lost or doubled', async () => {
    const LOAD_MS = 7_000;
    const KILL_AT_MS = 2_000;
    const EVENTS_PER_DEVICE = 60;
    const started = Date.now();
    const outcomes: ArmOutcome[] = [];
    const eventResults: { acked: boolean; sends: number }[] = [];
    let killedAt = 0;

    // Paced as busy welders re-scanning, within the protocol's per-chip budget (§11: 30 at once, 1/s).
    const armLoop = async (device: MtlsDevice) => {
      while (Date.now() - started < LOAD_MS) {
        outcomes.push(await device.arm(zhangCode, permitId, SITE));
        await sleep(300);
      }
    };
    const eventLoop = async (device: MtlsDevice) => {
      const t0 = Date.now() - EVENTS_PER_DEVICE * 1000;
      for (let seq = 1; seq <= EVENTS_PER_DEVICE; seq += 5) {
        const batch = [];
        for (let s = seq; s < seq + 5; s++) {
          const at = new Date(t0 + s * 1000).toISOString();
          batch.push({
            seq: s,
            type: 'heartbeat',
            at,
            position: { lat: SITE.lat, lng: SITE.lng, accuracyM: 4, fixAt: at },
            relayClosed: false,
            state: 'locked',
          });
        }
        eventResults.push(await device.sendEvents(batch, seq + 4, 30_000));
        await sleep(LOAD_MS / (EVENTS_PER_DEVICE / 5));
      }
    };
    // B is frozen first and killed once the broker has handed it an arm request, so that the kill
    // always takes work in flight with it (a plain kill at a random instant often catches none).
    let frozenAt = 0;
    const killer = (async () => {
      await sleep(KILL_AT_MS);
      const handed = armRequestsHandedTo(mosquitto.log(), idB);
      b.freeze();
      frozenAt = Date.now();
      await until(
        'an arm request handed to the frozen replica',
        () => armRequestsHandedTo(mosquitto.log(), idB) > handed,
        5_000,
      );
      killedAt = Date.now();
      await b.crash();
    })();
    await Promise.all([killer, ...devices.map((d) => armLoop(d.device)), ...devices.map((d) => eventLoop(d.device))]);

    // Every arm request got an answer: a grant, or a denial (never silence, never two grants).
    const unanswered = outcomes.filter((o) => o.answeredAt === null);
    expect(unanswered.map((o) => o.requestId)).toEqual([]);
    expect(outcomes.filter((o) => grantIdsOf(o).size > 1).map((o) => o.requestId)).toEqual([]);
    const twice = await db.query(
      `SELECT chip_id, nonce, count(*)::int AS n FROM grants WHERE nonce IS NOT NULL GROUP BY chip_id, nonce HAVING count(*) > 1`,
    );
    expect(twice.rows).toEqual([]);
    // No refusal either: a retry that reaches the surviving replica is decided (or its earlier answer re-sent).
    expect(outcomes.filter((o) => o.answers[0].type !== 'arm.grant').map((o) => o.answers[0].body.reason)).toEqual([]);

    // Every event stored exactly once.
    expect(eventResults.every((r) => r.acked)).toBe(true);
    const stored = await db.query<{ chip_id: string; n: number; distinct_seqs: number }>(
      `SELECT chip_id, count(*)::int AS n, count(DISTINCT seq)::int AS distinct_seqs FROM device_events
        WHERE chip_id = ANY($1) AND type = 'heartbeat' GROUP BY chip_id`,
      [devices.map((d) => d.device.chip)],
    );
    expect(stored.rows.length).toBe(devices.length);
    for (const r of stored.rows)
      expect([r.chip_id, r.n, r.distinct_seqs]).toEqual([r.chip_id, EVENTS_PER_DEVICE, EVENTS_PER_DEVICE]);

    // Recovery: the requests the broker had handed to B (or handed it while it died) were lost with it;
    // the device's retry reached A. Recovery = kill → the last of them answered.
    const retried = outcomes.filter((o) => o.sends > 1);
    const recoveryMs = Math.max(0, ...retried.map((o) => o.answeredAt! - killedAt));
    const after = outcomes.filter((o) => o.sentAt > killedAt).map((o) => o.answeredAt! - o.sentAt);
    const resentBatches = eventResults.filter((r) => r.sends > 1).length;
    const decided = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM decisions WHERE request_id = ANY($1) GROUP BY request_id`,
      [retried.map((o) => o.requestId)],
    );
    const afterKill = answersByReplica(mosquitto.log(), root).slice(-5);
    console.log(
      [
        `two-replicas: replica B frozen ${frozenAt - started} ms into ${LOAD_MS} ms of load from ${devices.length} devices, ` +
          `kill -9 ${killedAt - frozenAt} ms later (once it held an arm request):`,
        `  ${outcomes.length} arm requests, all answered with a grant, none twice; ${retried.length} were lost with B and answered after the device's retry ` +
          `(sent ${retried.map((o) => o.sentAt - killedAt).join(', ')} ms relative to the kill; ` +
          `decisions stored for each: ${decided.rows.map((r) => r.n).join(', ') || '-'})`,
        `  recovery: the last request lost with B answered ${recoveryMs} ms after the kill (${recoveryMs + killedAt - frozenAt} ms after the freeze)`,
        `  sent after the kill: ${after.length}, slowest answer ${Math.max(0, ...after)} ms`,
        `  ${eventResults.length} event batches (${resentBatches} re-sent), ${devices.length * EVENTS_PER_DEVICE} events stored once each`,
      ].join('\n'),
    );
    expect(afterKill.every((x) => x.server === idA)).toBe(true);
    // Statuses reach every replica: none may be taken for a replay because another replica recorded its seq first.
    const refused = await db.query(`SELECT chip_id, reason, detail FROM rejected_messages`);
    expect(refused.rows).toEqual([]);
    expect(retried.length).toBeGreaterThan(0);
    // The device gives up after 1 + ARM_REQUEST_RETRIES sends (9 s): recovery must fit well inside that.
    expect(recoveryMs).toBeLessThan(9_000);
  });
});
