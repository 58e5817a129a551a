import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../dist/bootstrap/embedded-postgres';
import { portOrFree } from '../../dist/bootstrap/free-port';
import { serverMqttPasswordFor } from '../../dist/mqtt/mqtt-connection';
import { sleep } from './stats';

export const SERVER_DIR = resolve(__dirname, '..', '..');
export const REPO_ROOT = resolve(SERVER_DIR, '..');
export const TOPIC_ROOT = 'arcgate';

export interface Machine {
  cpuModel: string;
  nproc: number;
  memory: string;
  node: string;
  os: string;
  postgres?: string;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function describeMachine(): Machine {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const free =
    sh('free', ['-h'])
      .split('\n')
      .find((l) => l.startsWith('Mem:'))
      ?.split(/\s+/) ?? [];
  return {
    cpuModel: model.trim(),
    nproc: Number(sh('nproc', [])) || cpus().length,
    memory: free.length
      ? `${free[1]} total, ${free[6] ?? '?'} available (free -h)`
      : `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: sh('uname', ['-srm']) || process.platform,
  };
}

/** Secrets the bench hands the server, so that it can sign welder codes, log in to the broker and verify grants. */
export interface BenchSecrets {
  jwt: string;
  codeSigningKey: Buffer;
  dataEncryptionKey: Buffer;
  deviceSigningKey: KeyObject;
  serverMqttPassword: string;
}

export function newSecrets(): BenchSecrets {
  const jwt = randomBytes(32).toString('hex');
  return {
    jwt,
    codeSigningKey: randomBytes(32),
    dataEncryptionKey: randomBytes(32),
    deviceSigningKey: generateKeyPairSync('ed25519').privateKey,
    serverMqttPassword: serverMqttPasswordFor(jwt),
  };
}

export interface Database {
  url: string;
  external: boolean;
  /** Data directory of the embedded PostgreSQL (for CPU accounting). */
  dataDir?: string;
  stop(): Promise<void>;
}

/** A fresh database: on DATABASE_URL's server when given (dropped afterwards), else an embedded PostgreSQL in a temp dir. */
export async function startDatabase(workDir: string): Promise<Database> {
  const given = process.env.DATABASE_URL;
  if (given) {
    const name = `arcgate_bench_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const c = new Client({ connectionString: given });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(given);
    u.pathname = `/${name}`;
    // BENCH_KEEP: leave the database for inspection (like the work dir).
    return {
      url: u.toString(),
      external: true,
      stop: () => (process.env.BENCH_KEEP ? Promise.resolve() : admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    };
  }
  // BENCH_PG_STATS=<file>: pg_stat_statements with planning times (diagnostics; see pg-stats.ts).
  const flags = process.env.BENCH_PG_STATS
    ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_planning=on']
    : [];
  // BENCH_PG_SETTINGS="name=value,...": PostgreSQL settings for experiments (diagnostics; reported runs use the defaults).
  for (const s of (process.env.BENCH_PG_SETTINGS ?? '').split(',').filter(Boolean)) flags.push('-c', s.trim());
  // BENCH_PG_LOG=<file>: PostgreSQL's log (slow statements, autovacuum, checkpoints) with millisecond timestamps.
  const logFile = process.env.BENCH_PG_LOG;
  if (logFile)
    flags.push(
      '-c',
      'log_min_duration_statement=20',
      '-c',
      'log_autovacuum_min_duration=0',
      '-c',
      'log_checkpoints=on',
      '-c',
      'log_lock_waits=on',
      '-c',
      'log_parameter_max_length=0',
    );
  const db = await startEmbeddedPostgres(join(workDir, 'pg'), 0, {
    database: 'arcgate',
    persistent: false,
    postgresFlags: flags,
    onLog: logFile ? (text) => appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`) : undefined,
  });
  return { url: db.url, external: false, dataDir: join(workDir, 'pg'), stop: () => db.stop() };
}

export interface ServerProcess {
  child: ChildProcess;
  httpUrl: string;
  mqttUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * The real server (dist/main.js) as a child process with the embedded aedes broker. A separate
 * process keeps the bench's 1,000 clients off the server's event loop; on 2 cores both still compete.
 */
export async function startServer(
  workDir: string,
  databaseUrl: string,
  s: BenchSecrets,
  extraEnv: NodeJS.ProcessEnv = {},
  /** Extra node flags before main.js (the fleet bench's answer-count preload). */
  extraFlags: string[] = [],
): Promise<ServerProcess> {
  const port = await portOrFree(0);
  const mqttPort = await portOrFree(0);
  const logFile = join(workDir, 'server.log');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    MQTT_PORT: String(mqttPort),
    MQTT_TOPIC_ROOT: TOPIC_ROOT,
    DATABASE_URL: databaseUrl,
    DATA_DIR: join(workDir, 'data'),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    JWT_SECRET: s.jwt,
    CODE_SIGNING_KEY: s.codeSigningKey.toString('hex'),
    DATA_ENCRYPTION_KEY: s.dataEncryptionKey.toString('hex'),
    DEVICE_SIGNING_KEY: s.deviceSigningKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    LOG_LEVEL: 'warn',
    SEED_DEMO_DATA: 'true',
    // Unset: the server starts as `npm start` does with the embedded broker, a launcher with a device
    // and an api process (issue 19). BENCH_SERVER_ROLE=all: the single process of before, for comparison.
    ...(process.env.BENCH_SERVER_ROLE ? { SERVER_ROLE: process.env.BENCH_SERVER_ROLE } : {}),
    ...extraEnv,
  };
  const trace = process.env.BENCH_SQL_TRACE;
  if (trace) env.BENCH_SQL_TRACE = trace;
  const preload = trace ? ['-r', join(__dirname, 'sql-trace.js')] : [];
  // BENCH_CPU_PROF=<dir>: V8 CPU profile of the server (diagnostics; adds overhead).
  if (process.env.BENCH_CPU_PROF) preload.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  // BENCH_LOOP_LOG=<dir>: the server's event-loop stalls and GC pauses (loop-monitor.ts).
  if (process.env.BENCH_LOOP_LOG) {
    Object.assign(env, { BENCH_LOOP_LOG: process.env.BENCH_LOOP_LOG, BENCH_LOOP_ROLE: 'server' });
    preload.push('-r', join(__dirname, 'loop-monitor.js'));
  }
  if (process.env.BENCH_SERVER_FLAGS) preload.push(...process.env.BENCH_SERVER_FLAGS.split(' ').filter(Boolean));
  preload.push(...extraFlags);
  const child = spawn(process.execPath, [...preload, join(SERVER_DIR, 'dist', 'main.js')], {
    cwd: SERVER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));

  const httpUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 300_000; // two processes, one after the other, on a busy machine
  for (;;) {
    if (exited !== null) throw new Error(`server exited with ${exited} during start-up; see ${logFile}`);
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 300 s; see ${logFile}`);
    }
    const ok = await fetch(`${httpUrl}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(250);
  }
  return {
    child,
    httpUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    logFile,
    async stop() {
      if (exited !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      // A CPU profile is written at exit, which takes a while for a long one.
      const killer = setTimeout(() => child.kill('SIGKILL'), process.env.BENCH_CPU_PROF ? 120_000 : 15_000);
      await gone;
      clearTimeout(killer);
    },
  };
}

export function newWorkDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'arcgate-bench-'));
  // Run as root, embedded-postgres starts PostgreSQL as a dedicated user, which must reach pg/ inside.
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function parentOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return NaN;
  }
}

/** The server's node processes: the launcher and its device and api children (or the one process with SERVER_ROLE=all). */
export function serverPids(pid: number): number[] {
  const kids = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && parentOf(Number(n)) === pid)
    .map(Number)
    .filter((k) => {
      try {
        return readFileSync(`/proc/${k}/comm`, 'utf8').trim() === 'node';
      } catch {
        return false;
      }
    });
  return [pid, ...kids];
}

/** The server process of one role (SERVER_ROLE in its environment); the launcher's own pid when it runs all in one. */
export function serverRolePid(pid: number, role: 'device' | 'api'): number {
  for (const k of serverPids(pid).slice(1)) {
    try {
      if (readFileSync(`/proc/${k}/environ`, 'utf8').split('\0').includes(`SERVER_ROLE=${role}`)) return k;
    } catch {
      /* gone */
    }
  }
  return pid;
}

/** CPU seconds (user+system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export interface CpuSnapshot {
  at: number;
  busy: number;
  steal: number;
  server: number;
  bench: number;
  /** CPU seconds per PostgreSQL pid (postmaster and backends). */
  postgres: Map<number, number>;
}

/** The bench's own PostgreSQL: the postmaster whose command line names `dataDir`, and its children (backends). */
export function postgresPids(dataDir: string): number[] {
  const procs: { pid: number; ppid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      procs.push({ pid: Number(name), ppid, cmd });
    } catch {
      /* gone meanwhile */
    }
  }
  const master = procs.find((p) => p.cmd.includes(dataDir) && /postgres/.test(p.cmd));
  return master ? [master.pid, ...procs.filter((p) => p.ppid === master.pid).map((p) => p.pid)] : [];
}

/**
 * Machine-wide CPU seconds from /proc/stat (all cores): busy (excluding steal) and steal, the time
 * the hypervisor ran something else while this VM's vCPUs wanted to run. Steal stalls every process
 * here at once, so it is reported apart from the machine's own work.
 */
function machineCpuSeconds(): { busy: number; steal: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const steal = f[7] ?? 0;
    // guest/guest_nice (fields 9, 10) are already counted in user/nice.
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle - steal) / 100, steal: steal / 100 };
  } catch {
    return { busy: NaN, steal: NaN };
  }
}

export function cpuSnapshot(serverPid: number, pgDataDir?: string): CpuSnapshot {
  const u = process.cpuUsage();
  const pg = new Map<number, number>();
  if (pgDataDir) for (const p of postgresPids(pgDataDir)) pg.set(p, cpuSeconds(p));
  const m = machineCpuSeconds();
  return {
    at: Date.now(),
    busy: m.busy,
    steal: m.steal,
    server: serverPids(serverPid).reduce((a, p) => a + cpuSeconds(p), 0),
    bench: (u.user + u.system) / 1e6,
    postgres: pg,
  };
}

/** Average cores used between two snapshots: server process, bench process, everything else (PostgreSQL, other load). */
export interface CpuUse {
  server: number;
  bench: number;
  /** NaN with an external database. Backends that exited during the phase are missed (the server's pool keeps its own). */
  postgres: number;
  /** Everything else on the machine: other users' work. */
  rest: number;
  /** Cores' worth of time the hypervisor gave to other guests while this one wanted to run (steal). */
  steal: number;
  machineBusyShare: number;
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot, cores: number): CpuUse {
  const s = Math.max(0.001, (b.at - a.at) / 1000);
  const server = (b.server - a.server) / s;
  const bench = (b.bench - a.bench) / s;
  const busy = (b.busy - a.busy) / s;
  // Per pid, so that a backend that ended meanwhile does not count negative; a new one counts from 0.
  let pgSeconds = 0;
  for (const [pid, t] of b.postgres) if (Number.isFinite(t)) pgSeconds += t - (a.postgres.get(pid) ?? 0);
  const postgres = b.postgres.size ? pgSeconds / s : NaN;
  const steal = (b.steal - a.steal) / s;
  return {
    server,
    bench,
    postgres,
    rest: Math.max(0, busy - server - bench - (Number.isFinite(postgres) ? postgres : 0)),
    steal,
    machineBusyShare: busy / cores,
  };
}
