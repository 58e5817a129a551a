/**
 * The device plane in its own process (issue 19): `npm start` with the embedded broker runs a
 * launcher (server/dist/main.js) with a device process (broker, gateway, arm decisions, revocation
 * delivery) and an api process (HTTP) that reaches devices only through that broker. A real agent
 * and simulator arm a machine through the device process; a failing gas analysis recorded through
 * the api process revokes the grant and the relay opens. Then the device process is killed: the
 * launcher restarts it on the same broker port, the agent reconnects and arms again. SIGTERM stops
 * the launcher, both children and nothing is left behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restartablePort } from '../../server/src/bootstrap/free-port';
import { autogroupEnabled as autogroupOn } from '../../server/src/common/cpu/priority';
import { adminQuery, uniqueName, withDatabase } from '../../server/test-support/test-database';
import { SITE, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import {
  activeCode,
  approvedPermitNow,
  bindChip,
  fetchApi,
  findDemoRecords,
  ok,
  PlatformApi,
  serverPublicKey,
} from '../support/platform-api';
import { ServerReplica, sharedSecrets } from '../support/server-replica';

/** The launcher's node children and the SERVER_ROLE each was started with. */
function children(launcherPid: number): { pid: number; role: string }[] {
  const out: { pid: number; role: string }[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${n}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (ppid !== launcherPid) continue;
      const role = readFileSync(`/proc/${n}/environ`, 'utf8')
        .split('\0')
        .find((e) => e.startsWith('SERVER_ROLE='));
      if (role) out.push({ pid: Number(n), role: role.slice('SERVER_ROLE='.length) });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const statField = (pid: number, i: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[i]);
const niceOf = (pid: number) => statField(pid, 16);
const sessionOf = (pid: number) => statField(pid, 3);

describe('npm start: a device process and an api process', () => {
  let dir: string;
  let dbName: string;
  let launcher: ServerReplica;
  let api: PlatformApi;
  let rig: MachineRig;
  let mqttPort: number;
  let permitId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-split-'));
    const adminUrl = process.env.ARCGATE_TEST_ADMIN_URL!;
    dbName = uniqueName('arcgate_split');
    await adminQuery(adminUrl, `CREATE DATABASE ${dbName} TEMPLATE ${process.env.ARCGATE_TEST_TEMPLATE_DB}`);
    // The launcher restarts the device process on this port: one no outgoing connection can take meanwhile.
    mqttPort = await restartablePort();
    // No MQTT_URL and no SERVER_ROLE: the embedded default, as `npm start` runs it.
    launcher = await ServerReplica.start(
      'launcher',
      dir,
      {
        DATABASE_URL: withDatabase(adminUrl, dbName),
        MQTT_PORT: String(mqttPort),
        SEED_DEMO_DATA: 'true',
        // Short, for the hung-child test below (default 30 s).
        LAUNCHER_HANG_TIMEOUT_S: '5',
        ...sharedSecrets(),
      },
      170_000,
    );
    api = fetchApi(launcher.baseUrl);
  }, 180_000);

  afterAll(async () => {
    await rig?.stop();
    await launcher?.stop();
    // What the launcher saw (starts, exits, restarts): the first thing to read when a step above failed.
    if (launcher)
      console.log(
        readFileSync(launcher.logFile, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('launcher:'))
          .join('\n'),
      );
    await adminQuery(process.env.ARCGATE_TEST_ADMIN_URL!, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(
      () => undefined,
    );
    if (process.env.KEEP_SPLIT_DIR) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it('runs two children, the api one at a lower CPU priority, each answering health for its role', async () => {
    const kids = children(launcher.child.pid!);
    expect(kids.map((k) => k.role).sort()).toEqual(['api', 'device']);
    const apiKid = kids.find((k) => k.role === 'api')!;
    const deviceKid = kids.find((k) => k.role === 'device')!;
    expect(niceOf(apiKid.pid)).toBe(10);
    expect(niceOf(deviceKid.pid)).toBe(0);
    // The api leads a session of its own, so that with autogroup on (this kernel's default) nice 10 is the
    // weight of its whole scheduling group and not only a rank inside the device process's group.
    expect(sessionOf(apiKid.pid)).toBe(apiKid.pid);
    expect(sessionOf(deviceKid.pid)).toBe(sessionOf(launcher.child.pid!));
    if (autogroupOn()) {
      expect(readFileSync(`/proc/${apiKid.pid}/autogroup`, 'utf8')).toMatch(/ nice 10\n?$/);
      // The device process stays in the launcher's session: its group's nice is 0, or the file is empty when
      // that session is init's own (no setsid above it, as on CI), whose tasks are weighed one by one at the top.
      expect(readFileSync(`/proc/${deviceKid.pid}/autogroup`, 'utf8')).toMatch(/^$| nice 0\n?$/);
    }
    const health = (await (await fetch(`${launcher.baseUrl}/api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', role: 'api', broker: { status: 'up', embedded: false } });
  });

  it("ranks the api's database backends below the device plane's, each backend a scheduling group of its own", async () => {
    const db = new Client({ connectionString: withDatabase(process.env.ARCGATE_TEST_ADMIN_URL!, dbName) });
    await db.connect();
    const groupNice = (pid: number) => /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))?.[1];
    // Each backend as the scheduler sees it: its nice and, with autogroup on, its group's nice
    // (PostgreSQL makes each backend a session leader: the group's weight is what is compared).
    const look = async () => {
      const { rows } = await db.query<{ pid: number; name: string }>(
        `SELECT pid, application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'arcgate-%'`,
      );
      const seen: { name: string; pid: number; rank: string }[] = [];
      for (const r of rows) {
        try {
          seen.push({ ...r, rank: `nice ${niceOf(r.pid)}${autogroupOn() ? `, group nice ${groupNice(r.pid)}` : ''}` });
        } catch {
          /* closed meanwhile */
        }
      }
      return seen;
    };
    const want = (nice: number) => `nice ${nice}${autogroupOn() ? `, group nice ${nice}` : ''}`;
    const expected = (b: { name: string }) =>
      b.name === 'arcgate-api' || b.name === 'arcgate-reporting'
        ? want(10)
        : b.name === 'arcgate-device' || b.name === 'arcgate-hot-path'
          ? want(0)
          : undefined;
    try {
      let seen = await look();
      // The server renices a local PostgreSQL's backends only where it may (root, or the same user).
      if (process.getuid?.() !== 0 && seen.some((b) => statSync(`/proc/${b.pid}`).uid !== process.getuid?.())) return;
      // The api's pool grows while its start-up work runs: a backend seen mid-handshake is reniced once its
      // connection is up (the pool's connect event), so look again for a few seconds before judging.
      const ranked = () => seen.every((b) => expected(b) === undefined || b.rank === expected(b));
      for (const until = Date.now() + 5_000; !ranked() && Date.now() < until; seen = await look())
        await new Promise((r) => setTimeout(r, 100));
      expect(seen.filter((b) => expected(b) === want(10)).length).toBeGreaterThan(0);
      expect(seen.filter((b) => expected(b) === want(0)).length).toBeGreaterThan(0);
      for (const b of seen) if (expected(b)) expect([b.name, b.rank]).toEqual([b.name, expected(b)]);
    } finally {
      await db.end();
    }
  });

  it('a revocation recorded through the api process reaches the machine the device process serves', async () => {
    const ids = await findDemoRecords(api);
    const machineId = ids.steelMachines[0];
    rig = new MachineRig({
      name: 'split-m1',
      brokerUrl: `mqtt://127.0.0.1:${mqttPort}`,
      topicRoot: 'arcgate',
      serverPublicKey: await serverPublicKey(api),
      position: SITE,
    });
    await bindChip(api, machineId, rig.identity);
    await rig.start();
    await waitFor('the agent online', () => rig.agent.online, 30_000);
    permitId = await approvedPermitNow(api, { site: SITE, welderIds: [ids.zhang], machineIds: [machineId] });
    const badge = await activeCode(api, 'welders', ids.zhang);
    await rig.machine.scanBadge(badge.url);
    await waitFor('the relay to close', () => rig.relayClosed(), 20_000);

    const failing = await ok(api, 'hengda.admin', 'POST', `/api/permits/${permitId}/gas-analyses`, {
      takenAt: new Date().toISOString(),
      gasCode: 'methane',
      readingPercentVol: 0.9,
      analyst: '李分析',
    });
    expect(failing.passed).toBe(false);
    await waitFor('the relay to open on grant.revoke', () => !rig.relayClosed(), 10_000);
  });

  it('restarts a killed device process on the same broker port; the machine reconnects and arms again', async () => {
    const before = children(launcher.child.pid!).find((k) => k.role === 'device')!;
    process.kill(before.pid, 'SIGKILL');
    await waitFor('the agent offline', () => !rig.agent.online, 20_000);
    const after = await waitFor(
      'a new device process',
      () => children(launcher.child.pid!).find((k) => k.role === 'device' && k.pid !== before.pid),
      20_000,
    );
    expect(launcher.running).toBe(true);
    await waitFor('the agent online again', () => rig.agent.online, 120_000);
    await waitFor(
      'the api healthy again (broker reachable)',
      async () => (await fetch(`${launcher.baseUrl}/api/health`)).status === 200,
      30_000,
    );
    // Armed again through the new device process, after a passing re-test.
    await ok(api, 'hengda.admin', 'POST', `/api/permits/${permitId}/gas-analyses`, {
      takenAt: new Date().toISOString(),
      gasCode: 'methane',
      readingPercentVol: 0.1,
      analyst: '李分析',
    });
    const ids = await findDemoRecords(api);
    await rig.machine.scanBadge((await activeCode(api, 'welders', ids.zhang)).url);
    await waitFor('the relay to close again', () => rig.relayClosed(), 30_000);
    expect(children(launcher.child.pid!).find((k) => k.role === 'device')?.pid).toBe(after.pid);
  }, 240_000);

  it('kills and restarts a hung api process (alive, answering nothing); the device process and the machine are untouched', async () => {
    const kids = children(launcher.child.pid!);
    const hung = kids.find((k) => k.role === 'api')!;
    const device = kids.find((k) => k.role === 'device')!;
    // SIGSTOP: the process lives on, its event loop serves nothing and it never exits by itself.
    process.kill(hung.pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    const fresh = await waitFor(
      'a new api process',
      () => children(launcher.child.pid!).find((k) => k.role === 'api' && k.pid !== hung.pid),
      40_000,
    );
    const replacedMs = Date.now() - stoppedAt;
    expect(() => process.kill(hung.pid, 0)).toThrow();
    await waitFor(
      'the new api healthy',
      async () => (await fetch(`${launcher.baseUrl}/api/health`).catch(() => null))?.status === 200,
      120_000,
    );
    console.log(`process-split: hung api replaced ${replacedMs} ms after SIGSTOP (LAUNCHER_HANG_TIMEOUT_S=5)`);
    expect(children(launcher.child.pid!).find((k) => k.role === 'device')?.pid).toBe(device.pid);
    expect(rig.agent.online).toBe(true);
    const killed = readFileSync(launcher.logFile, 'utf8').match(
      /api process \(pid \d+\) has not answered its health check/g,
    );
    // Overlapping probes (every 2 s, each waiting up to 5 s) all see the silence: the child is killed once.
    expect(killed).toHaveLength(1);
    expect(niceOf(fresh.pid)).toBe(10);
  }, 180_000);

  it('stops both children on SIGTERM', async () => {
    const kids = children(launcher.child.pid!);
    await launcher.stop();
    for (const k of kids) expect(() => process.kill(k.pid, 0)).toThrow();
  });
});
