import 'reflect-metadata';
import { toPublicKey } from '@arcgate/protocol';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { runMigrations } from '../../../dist/database/data-source';
import { authorizationPhase, AuthResult } from '../authorize';
import { DeviceCounters, SimDevice } from '../device';
import { autogroupEnabled } from '../../../dist/common/cpu/priority';
import { splitBetween, splitSnapshot, waitBetween } from '../cpu-split';
import { describeMachine, newWorkDir, ServerProcess, serverRolePid, startServer, TOPIC_ROOT } from '../environment';
import { provision } from '../provision';
import { withConcurrency } from '../stats';
import { generate, SCALE_USERS } from './generate';
import { context, markdownTable, measureEndpoints, regulatorLoad, Scope, SCOPES, login } from './latency';
import { scaleSecrets } from './secrets';
import { scaleFrom, SIZES } from './sizes';

/**
 * `npm run bench:scale` (SCALE=county|city|province): a fresh database arcgate_scale_<scale> on
 * DATABASE_URL's server (default 127.0.0.1:5432), migrated, then filled by the generator.
 * `npm run bench:scale -- latency` (or SCALE_PHASE=latency): the server on that database, every
 * regulator and enterprise read endpoint timed per scope (SCALE_DATABASE names another database of that
 * scale, e.g. a clone), then the authorization latency idle and
 * with regulator queries running alongside. Not part of npm test or CI.
 */
const log = (s: string) => console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${s}`);
const int = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

function databaseUrls(scale: string, database?: string): { admin: string; url: string; name: string } {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = database ?? `arcgate_scale_${scale}`;
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { admin, url: u.toString(), name };
}

async function sizeOnDisk(url: string): Promise<{ total: string; tables: string[] }> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const total = (await db.query<{ s: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS s'))
      .rows[0].s;
    // Partitioned tables: their partitions summed under the parent's name.
    const { rows } = await db.query<{ t: string; s: string; n: string }>(
      `SELECT coalesce(p.relname, c.relname) AS t, pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS s, sum(c.reltuples)::bigint AS n
       FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
       WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
       GROUP BY 1 ORDER BY sum(pg_total_relation_size(c.oid)) DESC LIMIT 14`,
    );
    return { total, tables: rows.map((r) => `${r.t}: ${r.s} (~${Number(r.n).toLocaleString('en')} rows)`) };
  } finally {
    await db.end();
  }
}

async function generatePhase(scale: keyof typeof SIZES): Promise<void> {
  const { admin, url, name } = databaseUrls(scale);
  const t0 = performance.now();
  const a = new Client({ connectionString: admin });
  await a.connect();
  await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await a.query(`CREATE DATABASE ${name}`);
  await a.end();
  log(`fresh database ${name}`);
  const applied = await runMigrations(url);
  log(`${applied.length} migrations applied`);
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await generate(db, SIZES[scale], scaleSecrets(), log);
  } finally {
    await db.end();
  }
  const seconds = (performance.now() - t0) / 1000;
  const size = await sizeOnDisk(url);
  log(`generated SCALE=${scale} in ${(seconds / 60).toFixed(1)} min; database ${size.total}`);
  for (const t of size.tables) log(`  ${t}`);
}

async function latencyPhase(scale: keyof typeof SIZES): Promise<void> {
  // SCALE_DATABASE: time a copy (CREATE DATABASE … TEMPLATE arcgate_scale_<scale>), e.g. to apply a new
  // migration to it without touching the generated original. Latency phase only: generation drops its database.
  const { url, name } = databaseUrls(scale, process.env.SCALE_DATABASE || undefined);
  const machine = describeMachine();
  log(
    `${machine.nproc} × ${machine.cpuModel}, ${machine.memory}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  );
  const secrets = scaleSecrets();
  const work = newWorkDir();
  // SCALE_OVERVIEW_CACHE_S=0 times the overview counted on every call instead of reused (REPORTING_OVERVIEW_CACHE_S).
  const overviewCache = process.env.SCALE_OVERVIEW_CACHE_S;
  const server = await startServer(work.dir, url, secrets, {
    SEED_DEMO_DATA: 'false',
    ...(overviewCache ? { REPORTING_OVERVIEW_CACHE_S: overviewCache } : {}),
  });
  log(`server up at ${server.httpUrl} on ${name}`);
  const sims: SimDevice[] = [];
  try {
    await settle(url);
    const tokens = {} as Record<Scope, string>;
    for (const s of SCOPES) tokens[s] = await login(server.httpUrl, SCALE_USERS[s]);
    const ctx = await context(url);
    const only = process.env.SCALE_ONLY ? new RegExp(process.env.SCALE_ONLY) : undefined;
    const results = await measureEndpoints(
      server.httpUrl,
      tokens,
      ctx,
      { runs: int('SCALE_RUNS', 20), slowMs: int('SCALE_SLOW_MS', 5000), only },
      log,
    );
    const out = process.env.SCALE_OUTPUT ?? join(work.dir, `latency-${scale}.md`);
    let report = `SCALE=${scale}, ${new Date().toISOString()}\n\n${markdownTable(results)}\n`;
    writeFileSync(out, report);

    if (!process.env.SCALE_SKIP_AUTH) {
      const auth = await authorizationAlongside(url, server, tokens, ctx, secrets);
      sims.push(...auth.sims);
      report += `\n${auth.text}\n`;
    }
    writeFileSync(out, report);
    log(`wrote ${out}`);
    console.log(report);
  } finally {
    await Promise.all(sims.map((d) => d.close()));
    await server.stop();
  }
}

/**
 * Waits for the server's start-up work before timing anything: device certificates backfilled for chips
 * bound without one (every chip of a generated dataset, once), the census and the ranking signals counted.
 * Says how long each took: at province size they are findings of their own.
 */
async function settle(url: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  const t0 = performance.now();
  try {
    let reported = '';
    let lastUncertified = -1;
    for (;;) {
      const [r] = (
        await db.query(`SELECT
          (SELECT count(*)::int FROM chips c JOIN machines m ON m.chip_id = c.chip_id
            WHERE NOT EXISTS (SELECT 1 FROM device_certificates d WHERE d.chip_id = c.chip_id AND d.revoked_at IS NULL)) AS uncertified,
          (SELECT took_ms FROM census_refreshes) AS census_ms,
          (SELECT took_ms FROM off_platform_signal_refreshes) AS ranking_ms`)
      ).rows as { uncertified: number; census_ms: number | null; ranking_ms: number | null }[];
      const state = `chips without a certificate ${r.uncertified}; census ${r.census_ms === null ? 'not yet counted' : `counted in ${r.census_ms} ms`}; ranking signals ${r.ranking_ms === null ? 'not yet counted' : `counted in ${r.ranking_ms} ms`}`;
      if (state !== reported) log(`start-up work after ${((performance.now() - t0) / 1000).toFixed(0)} s: ${state}`);
      reported = state;
      // The backfill is done when the count stops moving (chips whose key is not Ed25519 stay uncertified).
      const certified = r.uncertified === 0 || r.uncertified === lastUncertified;
      lastUncertified = r.uncertified;
      if (certified && r.census_ms !== null && r.ranking_ms !== null) break;
      await new Promise((res) => setTimeout(res, 10_000));
    }
    // The start-up counts (census, ranking signals) run when the stored ones are stale: wait until the
    // database is quiet, two looks a second apart, so that no timed call overlaps them.
    for (let quiet = 0; quiet < 2;) {
      await new Promise((res) => setTimeout(res, 1_000));
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      quiet = (rows[0] as { n: number }).n === 0 ? quiet + 1 : 0;
    }
    log(`start-up work done after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await db.end();
  }
}

/**
 * The Linux scheduling groups (autogroup) of the device process, the api process and the database
 * backends of each: with autogroup on, nice ranks threads only inside one group, and PostgreSQL makes
 * every backend a session leader, so a group of its own (docs/deployment.md).
 */
async function schedulingGroups(launcherPid: number, db: Client): Promise<string> {
  const { rows } = await db.query<{ pid: number; name: string }>(
    `SELECT pid, application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'arcgate-%'`,
  );
  const groupOf = (pid: number) => {
    try {
      // Empty for init's own session (no setsid above the process): its tasks are weighed one by one.
      return readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim().replace(/^\//, '') || 'init session';
    } catch {
      return '?';
    }
  };
  const nice = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16];
    } catch {
      return '?';
    }
  };
  const on = autogroupEnabled();
  const of = (pid: number) => `nice ${nice(pid)}${on ? `, ${groupOf(pid)}` : ''}`;
  const device = serverRolePid(launcherPid, 'device');
  const api = serverRolePid(launcherPid, 'api');
  const backends = ['arcgate-hot-path', 'arcgate-device', 'arcgate-api', 'arcgate-reporting'].map((name) => {
    const b = rows.find((r) => r.name === name);
    return `${name} backend ${b ? of(b.pid) : 'none open'}`;
  });
  return [
    `autogroup ${on ? 'on' : 'off'}`,
    `device process ${of(device)}`,
    `api process ${api === device ? 'the same process' : of(api)}`,
    ...backends,
  ].join('; ');
}

/** Arm requests from 200 simulated chips of the enterprise user's enterprise: idle, then with regulator queries running. */
async function authorizationAlongside(
  url: string,
  server: ServerProcess,
  tokens: Record<Scope, string>,
  ctx: Awaited<ReturnType<typeof context>>,
  secrets: ReturnType<typeof scaleSecrets>,
): Promise<{ text: string; sims: SimDevice[] }> {
  const { httpUrl, mqttUrl } = server;
  const db = new Client({ connectionString: url });
  await db.connect();
  const anchor = (
    await db.query<{ id: string; username: string; prior: string }>(
      `SELECT id, username, (SELECT count(*) FROM machines WHERE manufacturer = 'ArcGate Bench') AS prior FROM users WHERE enterprise_id = $1 ORDER BY username LIMIT 1`,
      [ctx.enterpriseId],
    )
  ).rows[0];
  const groups = schedulingGroups(server.child.pid!, db);
  const n = int('SCALE_DEVICES', 200);
  const specs = await provision(url, n, secrets, new Date(), {
    enterpriseId: ctx.enterpriseId,
    userId: anchor.id,
    username: anchor.username,
    runTag: 1 + Math.floor(Number(anchor.prior) / n),
  });
  const counters: DeviceCounters = { unexpected: 0, unexpectedByType: {}, malformed: 0, closes: 0 };
  const sims = specs.map((s) => new SimDevice(s, TOPIC_ROOT, counters));
  await withConcurrency(sims, 50, (d) => d.connect(mqttUrl));
  log(`${sims.length} simulated chips connected`);
  const serverKey = toPublicKey(secrets.deviceSigningKey);
  const rate = int('SCALE_AUTH_RATE', 25);
  const seconds = int('SCALE_AUTH_SECONDS', 30);
  const phase = (label: string) =>
    authorizationPhase(label, sims, serverKey, {
      count: rate * seconds,
      rate,
      deadlineMs: seconds * 1000 + 5000,
      drainMs: 30_000,
    });
  await phase('warm-up');
  // CPU and run-queue wait per thread and backend over each phase: where the time goes (issue 19).
  const measured = async (label: string) => {
    const a = await splitSnapshot(server.child.pid!, db, { bench: true });
    const r = await phase(label);
    const b = await splitSnapshot(server.child.pid!, db, { bench: true });
    return { r, cpu: splitBetween(a, b), wait: waitBetween(a, b) };
  };
  const idle = await measured('idle');
  const load = regulatorLoad(httpUrl, tokens, ctx);
  const busy = await measured('with regulator queries');
  const calls = await load.stop();
  await db.end();
  const line = (r: AuthResult) =>
    `| ${r.label} | ${r.sent} | ${r.granted} | ${r.denied} | ${r.timeouts} | ${r.grantLatency.p50.toFixed(1)} | ${r.grantLatency.p95.toFixed(1)} | ${r.grantLatency.p99.toFixed(1)} | ${r.grantLatency.max.toFixed(1)} |`;
  const text = [
    `Authorization (${sims.length} chips, ${rate} arm requests/s for ${seconds} s; regulator load: province and county users looping over the endpoints above, ${calls} calls during the phase)`,
    '',
    '| phase | sent | granted | denied | timeouts | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    line(idle.r),
    line(busy.r),
    '',
    `Scheduling groups: ${await groups}`,
    '',
    'CPU (cores) and run-queue wait (ms per second: ready to run, no core free) per thread group over each phase:',
    '',
    '| threads | idle cores | idle wait | loaded cores | loaded wait |',
    '|---|---:|---:|---:|---:|',
    ...Object.keys({ ...busy.cpu, ...idle.cpu })
      .filter((k) => (busy.cpu[k] ?? 0) >= 0.01 || (idle.cpu[k] ?? 0) >= 0.01)
      .map(
        (k) =>
          `| ${k} | ${(idle.cpu[k] ?? 0).toFixed(2)} | ${(idle.wait[k] ?? 0).toFixed(0)} | ${(busy.cpu[k] ?? 0).toFixed(2)} | ${(busy.wait[k] ?? 0).toFixed(0)} |`,
      ),
  ].join('\n');
  log(text);
  return { text, sims };
}

async function main(): Promise<void> {
  const scale = scaleFrom(process.env);
  const phase = process.env.SCALE_PHASE ?? process.argv[2] ?? 'generate';
  if (phase === 'generate') await generatePhase(scale);
  else if (phase === 'latency') await latencyPhase(scale);
  else throw new Error(`unknown phase ${phase} (generate | latency)`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
