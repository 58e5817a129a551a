/**
 * The device bench at the next scale (issue 17 §3): `npm run bench` with BENCH_BROKER=mosquitto-mtls
 * (the bench's own Mosquitto, generated config, devices on mutual TLS with per-chip certificates)
 * and/or BENCH_REPLICAS=2 (two server processes sharing the subscription), the simulated devices
 * spread over fleet worker processes. Phases: connect in quarters (server RSS per 1,000 devices),
 * broker floor, authorization at 250 req/s, connect storm (broker restart; Mosquitto mode only).
 * Results go to BENCHMARKS.md between the scale17 markers (report.ts's sections stay as they are).
 */
import { toPublicKey } from '@arcgate/protocol';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { SERVER_MQTT_USERNAME } from '../../../dist/mqtt/mqtt-connection';
import {
  cpuSeconds,
  describeMachine,
  newSecrets,
  newWorkDir,
  postgresPids,
  REPO_ROOT,
  ServerProcess,
  startDatabase,
  startServer,
  TOPIC_ROOT,
} from '../environment';
import { provision } from '../provision';
import { sleep, summarize } from '../stats';
import { issueInBulk, recordCertificates } from './certs';
import { Fleet } from './fleet';
import type { EchoLogin } from './fleet-protocol';
import { BenchMosquitto, openFilesLimit } from './mosquitto';
import { CpuPhase, FleetReport, writeFleetSection } from './report';

const int = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

const log = (s: string) => console.log(`[bench17 ${new Date().toISOString().slice(11, 19)}] ${s}`);

export function fleetMode(): boolean {
  return (
    process.env.BENCH_BROKER === 'mosquitto-mtls' || !!process.env.BENCH_REPLICAS || !!process.env.BENCH_FLEET_WORKERS
  );
}

export async function runFleet(): Promise<void> {
  const mtls = process.env.BENCH_BROKER === 'mosquitto-mtls';
  if (process.env.BENCH_BROKER && !mtls && process.env.BENCH_BROKER !== 'aedes')
    throw new Error(`BENCH_BROKER=${process.env.BENCH_BROKER}: aedes (default) or mosquitto-mtls`);
  const replicas = int('BENCH_REPLICAS', 1);
  if (replicas > 1 && !mtls)
    throw new Error('BENCH_REPLICAS=2 needs BENCH_BROKER=mosquitto-mtls (aedes is in-process)');
  const N = int('BENCH_DEVICES', 1000);
  const P = {
    devices: N,
    workers: int('BENCH_FLEET_WORKERS', Math.max(1, Math.ceil(N / 5000))),
    rate: int('BENCH_RATE', 250),
    seconds: int('BENCH_SECONDS', 30),
    floorSeconds: int('BENCH_FLOOR_SECONDS', 10),
    connectConcurrency: int('BENCH_CONNECT_CONCURRENCY', 200),
    stormLimitS: int('BENCH_STORM_LIMIT_S', 120),
    /** Time budget for connecting the fleet (on a crowded machine it can take longer than the run may). */
    connectLimitS: int('BENCH_CONNECT_LIMIT_S', 1800),
    runLimitMin: int('BENCH_RUN_LIMIT_MIN', 45),
  };
  const RUN_LIMIT_MS = P.runLimitMin * 60_000;
  /** Every process this run started, killed if the hard stop fires (the finally block does not run then). */
  const started: number[] = [];
  let mosq: BenchMosquitto | null = null;
  const servers: ServerProcess[] = [];
  let fleet: Fleet | null = null;
  const wallStart = performance.now();
  const hardStop = setTimeout(() => {
    console.error(`bench exceeded ${RUN_LIMIT_MS / 60_000} min: aborting`);
    for (const pid of [...started, ...(fleet?.pids ?? [])])
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    process.exit(2);
  }, RUN_LIMIT_MS);
  hardStop.unref();

  const machine = describeMachine();
  const startedAt = new Date();
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  const ownLimit = openFilesLimit('self');
  log(
    `${machine.nproc} × ${machine.cpuModel}; load ${loadBefore}; ${N} devices over ${P.workers} workers, broker ${mtls ? 'mosquitto-mtls' : 'aedes'}, ${replicas} replica(s); open files ${ownLimit.soft}/${ownLimit.hard}, ${ownLimit.raise}`,
  );
  const secrets = newSecrets();
  const serverKey = toPublicKey(secrets.deviceSigningKey);
  const work = newWorkDir();
  const db = await startDatabase(work.dir);
  try {
    if (mtls) {
      mosq = await BenchMosquitto.create(join(work.dir, 'shared'), TOPIC_ROOT);
      started.push(mosq.pid);
      log(`mosquitto ${mosq.version} pid ${mosq.pid}, devices ${mosq.deviceUrl}, service ${mosq.serviceUrl}`);
    }
    for (let i = 0; i < replicas; i++) {
      // One after the other: the first runs the migrations and the demo seed.
      const dir = join(work.dir, `replica-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      const s = await startServer(
        dir,
        db.url,
        secrets,
        { ...(mosq?.serverEnv() ?? {}), BENCH_ANSWER_COUNT: join(dir, 'answers.json') },
        ['-r', join(__dirname, 'answer-count.js')],
      );
      servers.push(s);
      started.push(s.child.pid ?? 0);
      log(`server ${i + 1} up at ${s.httpUrl} (pid ${s.child.pid})`);
    }
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    machine.postgres = (await pg.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;

    const specs = await provision(db.url, N, secrets);
    log(`provisioned ${specs.length} machines, chips, welders, codes, permits`);
    let certs: string[] = [];
    let certSeconds = 0;
    if (mosq) {
      const t = performance.now();
      const issued = await issueInBulk(
        mosq.deviceCaFiles,
        specs.map((s) => s.key),
        new Date(),
      );
      await recordCertificates(
        db.url,
        specs.map((s) => s.key),
        issued,
        new Date(),
      );
      certSeconds = (performance.now() - t) / 1000;
      certs = issued.map((c) => c.pem);
      log(`issued and recorded ${issued.length} device certificates in ${certSeconds.toFixed(1)} s`);
    }
    await pg.query('CHECKPOINT');

    fleet = await Fleet.start(
      specs.map((s, i) => ({
        chip: s.key.chip,
        key: s.key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        cert: certs[i],
        welderCode: s.welderCode,
        permitId: s.permitId,
      })),
      P.workers,
      {
        url: mosq ? mosq.deviceUrl : servers[0].mqttUrl,
        root: TOPIC_ROOT,
        ca: mosq ? readFileSync(mosq.bundle.files.deviceCa, 'utf8') : undefined,
        serverKey: serverKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      },
    );
    log(`fleet: ${fleet.children.length} worker processes`);

    // CPU per process group per phase.
    const groups = (): Record<string, number[]> => ({
      ...Object.fromEntries(servers.map((s, i) => [`server ${i + 1}`, [s.child.pid!]])),
      ...(mosq ? { mosquitto: [mosq.pid] } : {}),
      PostgreSQL: db.dataDir ? postgresPids(db.dataDir) : [],
      'fleet workers': fleet!.pids,
      'bench (parent)': [process.pid],
    });
    const snap = () => {
      const g: Record<string, Map<number, number>> = {};
      for (const [name, pids] of Object.entries(groups())) g[name] = new Map(pids.map((p) => [p, cpuSeconds(p)]));
      return { at: Date.now(), g, machine: machineBusy() };
    };
    const cpu: CpuPhase[] = [];
    const measured = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
      const a = snap();
      const out = await run();
      const b = snap();
      const s = Math.max(0.001, (b.at - a.at) / 1000);
      const cores: Record<string, number> = {};
      for (const [name, m] of Object.entries(b.g)) {
        let t = 0;
        for (const [pid, v] of m) if (Number.isFinite(v)) t += v - (a.g[name]?.get(pid) ?? 0);
        cores[name] = t / s;
      }
      const busy = (b.machine.busy - a.machine.busy) / s;
      const ours = Object.values(cores).reduce((x, y) => x + y, 0);
      cpu.push({
        phase,
        seconds: s,
        cores,
        other: Math.max(0, busy - ours),
        steal: (b.machine.steal - a.machine.steal) / s,
        busyShare: busy / machine.nproc,
      });
      return out;
    };

    // Connect in quarters, the server's RSS (each replica) sampled before and after each quarter.
    const rss = () => servers.map((s) => rssMb(s.child.pid!));
    const onlineCount = async (since?: Date) =>
      Number(
        (
          await pg.query<{ n: string }>(
            `SELECT count(*) AS n FROM chips WHERE online AND chip_id = ANY($1)${since ? ' AND last_status_at >= $2' : ''}`,
            since ? [specs.map((s) => s.key.chip), since] : [specs.map((s) => s.key.chip)],
          )
        ).rows[0].n,
      );
    const untilOnline = async (want: number, limitMs: number) => {
      const end = Date.now() + limitMs;
      let n = 0;
      while ((n = await onlineCount()) < want && Date.now() < end) await sleep(500);
      return n;
    };
    const rssSamples: { devices: number; serverMb: number[]; brokerMb: number }[] = [
      { devices: 0, serverMb: rss(), brokerMb: mosq ? rssMb(mosq.pid) : NaN },
    ];
    const connectMs: number[] = [];
    let connectFailed = 0;
    const c0 = performance.now();
    await measured('connect (4 quarters)', async () => {
      for (let q = 0; q < 4; q++) {
        // Each quarter gets a quarter of the budget, so that the RSS curve has its four points.
        const deadline = Date.now() + (P.connectLimitS * 1000) / 4;
        const r = await fleet!.connect(q / 4, (q + 1) / 4, P.connectConcurrency, 60_000, deadline);
        connectMs.push(...r.ms);
        connectFailed += r.failed;
        const want = Math.round((N * (q + 1)) / 4);
        const online = await untilOnline(Math.min(want, connectMs.length), 60_000);
        (globalThis as { gc?: () => void }).gc?.();
        await sleep(1000);
        rssSamples.push({ devices: connectMs.length, serverMb: rss(), brokerMb: mosq ? rssMb(mosq.pid) : NaN });
        log(
          `quarter ${q + 1}: ${connectMs.length} connected, ${connectFailed} not within 60 s, ${online} online in the database; server RSS ${rss()
            .map((v) => v.toFixed(0))
            .join(' / ')} MB`,
        );
      }
    });
    const connectSeconds = (performance.now() - c0) / 1000;
    const afterConnect = await fleet.count(0);
    const brokerLimit = mosq ? openFilesLimit(mosq.pid) : openFilesLimit(servers[0].child.pid);
    if (afterConnect.ready < N)
      log(
        `only ${afterConnect.ready} of ${N} devices are connected; attempt failures ${JSON.stringify(afterConnect.failures)}; broker open files limit ${brokerLimit.hard}`,
      );

    const echo: EchoLogin = mosq
      ? {
          url: mosq.serviceUrl,
          username: SERVER_MQTT_USERNAME,
          ca: readFileSync(mosq.bundle.files.deviceCa, 'utf8'),
          cert: readFileSync(mosq.bundle.serverClientCert, 'utf8'),
          key: readFileSync(mosq.bundle.serverClientKey, 'utf8'),
        }
      : { url: servers[0].mqttUrl, username: SERVER_MQTT_USERNAME, password: secrets.serverMqttPassword };
    const answersBefore = () => servers.map((s) => readAnswers(s));
    const warm = await fleet.auth(Math.min(N, 200), 25, 30_000, 15_000);
    log(`warm-up: ${warm.grantMs.length}/${warm.sent} granted, denied ${JSON.stringify(warm.deniedBy)}`);

    const floorRaw = await measured('broker floor', () =>
      fleet!.floor(echo, P.rate * P.floorSeconds, P.rate, P.floorSeconds * 1000 + 5000, 700),
    );
    const floor = { sent: floorRaw.sent, received: floorRaw.received, latency: summarize(floorRaw.ms) };
    log(
      `floor: ${floor.received}/${floor.sent}, p50 ${floor.latency.p50.toFixed(1)} p99 ${floor.latency.p99.toFixed(1)} ms`,
    );

    const a0 = answersBefore();
    const authRaw = await measured(`authorization ${P.rate}/s`, () =>
      fleet!.auth(P.rate * P.seconds, P.rate, P.seconds * 1000 + 5000, 15_000),
    );
    await sleep(1000);
    const a1 = answersBefore();
    const auth = {
      sent: authRaw.sent,
      granted: authRaw.grantMs.length,
      denied: authRaw.denialMs.length,
      deniedBy: authRaw.deniedBy,
      invalid: authRaw.invalid,
      unanswered: authRaw.sent - authRaw.answered,
      latency: summarize(authRaw.grantMs),
      perReplica: servers.map((_, i) => a1[i].grant + a1[i].denied - a0[i].grant - a0[i].denied),
      engine: summarize(
        (
          await pg.query<{ ms: number }>('SELECT latency_ms AS ms FROM decisions WHERE request_id = ANY($1)', [
            authRaw.requestIds,
          ])
        ).rows.map((r) => Number(r.ms)),
      ),
    };
    log(
      `authorization ${P.rate}/s: ${auth.granted}/${auth.sent} granted, p50 ${auth.latency.p50.toFixed(1)} p99 ${auth.latency.p99.toFixed(1)} ms, ${auth.unanswered} unanswered; per replica ${auth.perReplica.join(' / ')}`,
    );
    const rssAfterAuth = rss();

    let storm: FleetReport['storm'] = null;
    if (mosq) {
      await fleet.resetCounters();
      const restartAt = new Date();
      storm = await measured('connect storm', async () => {
        await mosq!.stop();
        const stoppedMs = Date.now() - restartAt.getTime();
        await mosq!.start();
        started.push(mosq!.pid);
        const upMs = Date.now() - restartAt.getTime();
        log(`storm: broker stopped in ${stoppedMs} ms, listening again ${upMs} ms after the stop began`);
        const end = Date.now() + P.stormLimitS * 1000;
        let devicesBackMs: number | null = null;
        let storedBackMs: number | null = null;
        let last = { ready: 0, stored: 0 };
        for (;;) {
          const c = await fleet!.count(restartAt.getTime());
          const stored = await onlineCount(restartAt);
          const t = Date.now() - restartAt.getTime();
          if (devicesBackMs === null && c.readyAfter >= afterConnect.ready) devicesBackMs = t;
          if (storedBackMs === null && stored >= afterConnect.ready) storedBackMs = t;
          if (c.readyAfter !== last.ready || stored !== last.stored)
            log(`storm +${(t / 1000).toFixed(1)} s: ${c.readyAfter} devices back, ${stored} online statuses stored`);
          last = { ready: c.readyAfter, stored };
          if ((devicesBackMs !== null && storedBackMs !== null) || Date.now() > end) break;
          await sleep(500);
        }
        const c = await fleet!.count(restartAt.getTime(), true);
        const back = c.readyAts.map((x) => x - restartAt.getTime());
        return {
          devices: afterConnect.ready,
          stoppedMs,
          upMs,
          devicesBackMs,
          storedBackMs,
          devicesBack: c.readyAfter,
          storedBack: last.stored,
          backLatency: summarize(back),
          attempts: c.attempts,
          failures: c.failures,
          limitS: P.stormLimitS,
        };
      });
      log(`storm: ${JSON.stringify({ ...storm, backLatency: undefined })}`);
    }

    const procs = [
      ...servers.map((s, i) => ({ name: `server ${i + 1}`, rssMb: rssMb(s.child.pid!) })),
      ...(mosq ? [{ name: 'mosquitto', rssMb: rssMb(mosq.pid) }] : []),
      ...fleet.pids.map((p, i) => ({ name: `fleet worker ${i + 1}`, rssMb: rssMb(p) })),
    ];
    const errors = servers.map((s) => countErrors(s.logFile));
    const heartbeats = (await fleet.count(0)).heartbeats;
    const report: FleetReport = {
      date: startedAt.toISOString().slice(0, 10),
      startedAt: startedAt.toISOString(),
      machine,
      loadBefore,
      loadAfter: loadavg()
        .map((l) => l.toFixed(2))
        .join(' / '),
      params: { ...P, broker: mtls ? `mosquitto ${mosq!.version}, mutual TLS` : 'embedded aedes', replicas },
      limits: { bench: ownLimit, broker: brokerLimit, brokerProcess: mosq ? 'mosquitto' : 'server (aedes in-process)' },
      certSeconds,
      connect: {
        ok: connectMs.length,
        failed: connectFailed,
        seconds: connectSeconds,
        latency: summarize(connectMs),
        readyAfter: afterConnect.ready,
        failures: afterConnect.failures,
      },
      rss: rssSamples,
      rssAfterAuth,
      heartbeats,
      floor,
      auth,
      storm,
      cpu,
      procs,
      serverLog: errors,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
    await pg.end();
    const out = process.env.BENCH_OUTPUT ?? join(REPO_ROOT, 'BENCHMARKS.md');
    const text = writeFleetSection(out, report);
    console.log(text);
    log(`wrote the scale17 section of ${out}`);
  } finally {
    await fleet?.close().catch(() => undefined);
    for (const s of servers) await s.stop().catch(() => undefined);
    await mosq?.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
    if (!process.env.BENCH_KEEP) work.remove();
  }
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

function readAnswers(s: ServerProcess): { grant: number; denied: number } {
  const f = join(s.logFile, '..', 'answers.json');
  try {
    return existsSync(f)
      ? (JSON.parse(readFileSync(f, 'utf8')) as { grant: number; denied: number })
      : { grant: 0, denied: 0 };
  } catch {
    return { grant: 0, denied: 0 };
  }
}

function countErrors(file: string): { warnings: number; errors: number; sample: string[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const level = (l: string) => {
    try {
      return (JSON.parse(l) as { level?: number }).level ?? 0;
    } catch {
      return /error/i.test(l) ? 50 : 0;
    }
  };
  const msg = (l: string) => {
    try {
      return String((JSON.parse(l) as { msg?: string }).msg).slice(0, 160);
    } catch {
      return l.slice(0, 160);
    }
  };
  const w = lines.filter((l) => level(l) === 40);
  const e = lines.filter((l) => level(l) >= 50);
  return { warnings: w.length, errors: e.length, sample: [...e, ...w].slice(0, 3).map(msg) };
}

function machineBusy(): { busy: number; steal: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const steal = f[7] ?? 0;
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle - steal) / 100, steal: steal / 100 };
  } catch {
    return { busy: NaN, steal: NaN };
  }
}
