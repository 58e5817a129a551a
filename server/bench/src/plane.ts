import { KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import { Client } from 'pg';
import { authorizationPhase, AuthResult } from './authorize';
import { splitBetween, splitSnapshot } from './cpu-split';
import { SimDevice } from './device';
import { serverPids, serverRolePid } from './environment';
import { CountySizes, loadCounty } from './plane-data';
import { LatencySummary, sleep, summarize } from './stats';

const DEMO_PASSWORD = 'ArcGate#2026';

export interface LagSummary {
  /** Event-loop stalls over 10 ms in the window (loop-monitor.ts), and their longest and total. */
  stalls: number;
  maxMs: number;
  totalMs: number;
  /** Share of the window the loop was stalled (over 10 ms at a time). */
  share: number;
}

export interface ReportingLoad {
  count: number;
  failed: number;
  statuses: Record<string, number>;
  latency: LatencySummary;
  /** Exports: time to the first byte of the body. */
  firstByte?: LatencySummary;
  bytes?: number;
}

export interface PlaneResult {
  sizes: CountySizes;
  loadSeconds: number;
  databaseSize: string;
  rate: number;
  seconds: number;
  overviewLoops: number;
  exportLoops: number;
  idle: AuthResult;
  loaded: AuthResult;
  lagIdle: LagSummary | null;
  lagLoaded: LagSummary | null;
  overviews: ReportingLoad;
  exports: ReportingLoad;
  rssMb: { idle: number; loadedMax: number };
  /** How the server ran: the launcher's device and api processes, or one process (BENCH_SERVER_ROLE=all). */
  layout: string;
  /** Average cores per thread group and per PostgreSQL application_name, in each window. */
  cpuIdle: Record<string, number>;
  cpuLoaded: Record<string, number>;
  /** What one county overview and one 20k-row export take with nothing else running (warm). */
  single: {
    /** One count of the pre-aggregated census (stats/census) with the county loaded. */
    censusTookMs: number;
    overviewCountedMs: number;
    overviewMs: number;
    exportFirstByteMs: number;
    exportMs: number;
    exportBytes: number;
  };
}

/** Resident memory of the server's processes together (launcher, device, api). */
function rssMb(pid: number): number {
  return serverPids(pid).reduce((a, p) => a + rssOne(p), 0);
}

function rssOne(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Stalls of the server's event loop between two epoch times, from its loop-monitor file. */
function lagBetween(dir: string | undefined, pid: number, from: number, to: number): LagSummary | null {
  if (!dir) return null;
  const file = readdirSync(dir).find((f) => f === `loop-server-${pid}.tsv`);
  if (!file) return { stalls: 0, maxMs: 0, totalMs: 0, share: 0 };
  const lags = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([kind, at]) => kind === 'lag' && Number(at) >= from && Number(at) <= to)
    .map(([, , ms]) => Number(ms));
  const total = lags.reduce((a, b) => a + b, 0);
  return { stalls: lags.length, maxMs: Math.max(0, ...lags), totalMs: total, share: total / (to - from) };
}

async function login(httpUrl: string, databaseUrl: string, user: string): Promise<string> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  // Demo accounts may be marked for a password change; the bench is not testing that.
  await db.query('UPDATE users SET must_change_password = false WHERE username = $1', [user]).catch(() => undefined);
  await db.end();
  const res = await fetch(`${httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (!res.ok || !body.accessToken) throw new Error(`login ${user}: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

/** One GET, read to the end: total time, time to the first body byte, bytes. */
async function timedGet(url: string, token: string) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  let firstByte = NaN;
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!bytes) firstByte = performance.now() - t0;
    bytes += value.byteLength;
  }
  return { status: res.status, ms: performance.now() - t0, firstByte, bytes };
}

/** Runs `fire` back to back until `stop()`; collects its timings. */
async function loop(
  stop: () => boolean,
  fire: () => Promise<{ status: number; ms: number; firstByte: number; bytes: number }>,
  into: { ms: number[]; firstByte: number[]; statuses: Record<string, number>; bytes: number; failed: number },
): Promise<void> {
  while (!stop()) {
    try {
      const r = await fire();
      into.statuses[r.status] = (into.statuses[r.status] ?? 0) + 1;
      if (r.status !== 200) into.failed++;
      into.ms.push(r.ms);
      into.firstByte.push(r.firstByte);
      into.bytes += r.bytes;
    } catch {
      into.failed++;
      into.statuses.error = (into.statuses.error ?? 0) + 1;
    }
  }
}

/**
 * Issue 19's device-plane finding, measured: arm requests at a steady rate with nothing else
 * running, then the same rate while regulators refresh the county overview and export the county's
 * ledgers back to back, in one run. Also the server's event-loop stalls and RSS in both windows.
 */
export async function planePhase(
  sims: SimDevice[],
  serverKey: KeyObject,
  env: { httpUrl: string; databaseUrl: string; serverPid: number; loopDir?: string },
  o: { sizes: CountySizes; rate: number; seconds: number; overviewLoops: number; exportLoops: number },
  log: (s: string) => void,
): Promise<PlaneResult> {
  const loaded0 = await loadCounty(env.databaseUrl, o.sizes);
  // The load's dirty pages are written out now, not by a checkpoint in the middle of the measured windows.
  const pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  await pg.query('CHECKPOINT');
  await new Promise<void>((resolve) => execFile('sync', () => resolve()));
  log(
    `plane: county loaded in ${loaded0.seconds.toFixed(1)} s (${JSON.stringify(o.sizes)}), database ${loaded0.bytes}`,
  );
  // The census the overviews read (stats/census) was counted before the county existed: its next tick
  // (REPORTING_CENSUS_REFRESH_S) counts again once the old one is gone. Wait for it, as a regulator would see it.
  await pg.query('DELETE FROM census_refreshes');
  const censusWait = performance.now();
  let censusTookMs = 0;
  while (performance.now() - censusWait < 120_000) {
    const { rows } = await pg.query<{ took_ms: number }>('SELECT took_ms FROM census_refreshes');
    if (rows[0]) {
      censusTookMs = rows[0].took_ms;
      break;
    }
    await sleep(500);
  }
  if (!censusTookMs) throw new Error('plane: the census was not counted within 120 s');
  log(`plane: census counted in ${censusTookMs} ms (REPORTING_CENSUS_REFRESH_S tick)`);
  const tokens = {
    county: await login(env.httpUrl, env.databaseUrl, 'xiayi.regulator'),
    admin: await login(env.httpUrl, env.databaseUrl, 'admin'),
  };
  const overviewUrl = `${env.httpUrl}/api/stats/overview`;
  const exportUrls = [
    `${env.httpUrl}/api/ledgers/machines/export.xlsx`,
    `${env.httpUrl}/api/ledgers/welders/export.xlsx`,
  ];
  // Unloaded figures: the first overview of the scope is counted, the next within REPORTING_OVERVIEW_CACHE_S reused.
  const ovCounted = await timedGet(overviewUrl, tokens.county);
  const ov = await timedGet(overviewUrl, tokens.county);
  const ex = await timedGet(exportUrls[0], tokens.county);
  if (ov.status !== 200 || ex.status !== 200) throw new Error(`plane: overview ${ov.status}, export ${ex.status}`);
  const single = {
    censusTookMs,
    overviewCountedMs: ovCounted.ms,
    overviewMs: ov.ms,
    exportFirstByteMs: ex.firstByte,
    exportMs: ex.ms,
    exportBytes: ex.bytes,
  };
  log(
    `plane: single overview ${ovCounted.ms.toFixed(0)} ms counted, ${ov.ms.toFixed(0)} ms reused; machines export first byte ${ex.firstByte.toFixed(0)} ms, all ${ex.ms.toFixed(0)} ms, ${(ex.bytes / 1e6).toFixed(1)} MB`,
  );

  const arm = (label: string) =>
    authorizationPhase(label, sims, serverKey, {
      count: o.rate * o.seconds,
      rate: o.rate,
      deadlineMs: o.seconds * 1000 + 5_000,
      drainMs: 30_000,
    });

  // The event loop that answers devices: the device process's (the launcher's own pid with SERVER_ROLE=all).
  const devicePid = serverRolePid(env.serverPid, 'device');
  const apiPid = serverRolePid(env.serverPid, 'api');
  const layout =
    devicePid === env.serverPid
      ? 'one server process (SERVER_ROLE=all)'
      : `launcher (npm start): device process and api process (nice ${(() => {
          try {
            return readFileSync(`/proc/${apiPid}/stat`, 'utf8').split(') ')[1].split(' ')[16];
          } catch {
            return '?';
          }
        })()})`;
  log(`plane: ${layout}`);
  const rssIdle = rssMb(env.serverPid);
  const idleFrom = performance.timeOrigin + performance.now();
  const cpuIdle0 = await splitSnapshot(env.serverPid, pg);
  const idle = await arm('plane idle');
  const cpuIdle = splitBetween(cpuIdle0, await splitSnapshot(env.serverPid, pg));
  const idleTo = performance.timeOrigin + performance.now();
  log(
    `plane idle: p50 ${idle.grantLatency.p50.toFixed(1)} p95 ${idle.grantLatency.p95.toFixed(1)} p99 ${idle.grantLatency.p99.toFixed(1)} ms`,
  );

  let stopping = false;
  const stop = () => stopping;
  const acc = () => ({ ms: [] as number[], firstByte: [] as number[], statuses: {}, bytes: 0, failed: 0 });
  const ovAcc = acc();
  const exAcc = acc();
  const loops: Promise<void>[] = [];
  for (let i = 0; i < o.overviewLoops; i++)
    loops.push(loop(stop, () => timedGet(overviewUrl, i % 2 ? tokens.admin : tokens.county), ovAcc));
  for (let i = 0; i < o.exportLoops; i++)
    loops.push(loop(stop, () => timedGet(exportUrls[i % exportUrls.length], tokens.county), exAcc));
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMb(env.serverPid))), 250);
  await sleep(2_000); // the reporting work is under way before the first measured request
  const loadedFrom = performance.timeOrigin + performance.now();
  const cpuLoaded0 = await splitSnapshot(env.serverPid, pg);
  const loaded = await arm('plane loaded');
  const cpuLoaded = splitBetween(cpuLoaded0, await splitSnapshot(env.serverPid, pg));
  const loadedTo = performance.timeOrigin + performance.now();
  stopping = true;
  await Promise.all(loops);
  clearInterval(rssTimer);
  log(
    `plane loaded: p50 ${loaded.grantLatency.p50.toFixed(1)} p95 ${loaded.grantLatency.p95.toFixed(1)} p99 ${loaded.grantLatency.p99.toFixed(1)} ms; ${ovAcc.ms.length} overviews, ${exAcc.ms.length} exports ${JSON.stringify(exAcc.statuses)}`,
  );
  const cores = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([, v]) => v >= 0.01)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
  log(`plane CPU (cores) idle: ${cores(cpuIdle)}`);
  log(`plane CPU (cores) loaded: ${cores(cpuLoaded)}`);
  await sleep(1_500); // the loop monitor flushes once a second
  // The server's own decide time (decisions.latency_ms): the database side of each answer.
  for (const phase of [idle, loaded]) {
    const rows = await pg.query<{ ms: number }>('SELECT latency_ms AS ms FROM decisions WHERE request_id = ANY($1)', [
      phase.requestIds,
    ]);
    phase.engineLatency = summarize(rows.rows.map((x) => Number(x.ms)));
  }
  await pg.end();
  log(
    `plane engine (decide) p99: idle ${idle.engineLatency.p99.toFixed(1)} ms, loaded ${loaded.engineLatency.p99.toFixed(1)} ms`,
  );
  const fin = (a: ReturnType<typeof acc>, withBytes: boolean): ReportingLoad => ({
    count: a.ms.length,
    failed: a.failed,
    statuses: a.statuses,
    latency: summarize(a.ms),
    ...(withBytes ? { firstByte: summarize(a.firstByte.filter(Number.isFinite)), bytes: a.bytes } : {}),
  });
  return {
    sizes: o.sizes,
    loadSeconds: loaded0.seconds,
    databaseSize: loaded0.bytes,
    rate: o.rate,
    seconds: o.seconds,
    overviewLoops: o.overviewLoops,
    exportLoops: o.exportLoops,
    idle,
    loaded,
    lagIdle: lagBetween(env.loopDir, devicePid, idleFrom, idleTo),
    lagLoaded: lagBetween(env.loopDir, devicePid, loadedFrom, loadedTo),
    layout,
    cpuIdle,
    cpuLoaded,
    overviews: fin(ovAcc, false),
    exports: fin(exAcc, true),
    rssMb: { idle: rssIdle, loadedMax: rssMax },
    single,
  };
}
