import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { binary, PgInstallation } from './binaries';

/** The OS user PostgreSQL runs as when the server runs as root (PostgreSQL refuses to run as root). */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export const POSTGRES_USER = 'postgres';
/** Root's copies of the binaries and clusters that its postgres user could not reach where they are. */
export const DEFAULT_SHARED_ROOT = '/var/lib/arcgate';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function idOf(flag: '-u' | '-g', name: string): number | null {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}

/** The `postgres` OS user, created (system account, no login) when missing. */
export function ensurePostgresUser(): RunAs {
  if (idOf('-u', POSTGRES_USER) === null) {
    try {
      if (spawnSync('getent', ['group', POSTGRES_USER]).status !== 0)
        execFileSync('groupadd', ['--system', POSTGRES_USER], { stdio: 'pipe' });
      execFileSync(
        'useradd',
        ['--system', '--gid', POSTGRES_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_USER],
        { stdio: 'pipe' },
      );
    } catch (e) {
      const detail = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
      throw new Error(
        `Running as root, the embedded PostgreSQL needs an OS user "${POSTGRES_USER}", and creating it failed (${detail}); create it, run as a non-root user, or set DATABASE_URL`,
      );
    }
  }
  const uid = idOf('-u', POSTGRES_USER);
  const gid = idOf('-g', POSTGRES_USER);
  if (uid === null || gid === null) throw new Error(`Could not read the uid/gid of the OS user "${POSTGRES_USER}"`);
  return { name: POSTGRES_USER, uid, gid };
}

/** Whether `user` can get to `path` (every directory on the way searchable, the path itself executable/searchable). */
export function canReach(path: string, user: RunAs): boolean {
  return (
    spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { uid: user.uid, gid: user.gid, stdio: 'ignore' })
      .status === 0
  );
}

function ensureSharedRoot(sharedRoot: string, user: RunAs): void {
  mkdirSync(sharedRoot, { recursive: true });
  chmodSync(sharedRoot, 0o755);
  if (!canReach(sharedRoot, user))
    throw new Error(
      `The OS user "${user.name}" cannot reach ${sharedRoot}; make its parent directories searchable (chmod o+x), run as a non-root user, or set DATABASE_URL`,
    );
}

/**
 * Binaries the postgres user can execute. Under root's home (mode 0700 on Debian and in most
 * containers) the packaged ones are out of its reach, so they are copied once to a world-readable
 * place. Copying was chosen over ACLs (setfacl is often missing, and it would widen access to
 * root's home) and over loosening the home's mode.
 */
export function reachableInstallation(install: PgInstallation, user: RunAs, sharedRoot: string): PgInstallation {
  if (canReach(binary(install, 'postgres'), user)) return install;
  ensureSharedRoot(sharedRoot, user);
  const target = join(sharedRoot, `postgresql-${install.version}`);
  if (!existsSync(join(target, '.complete'))) {
    const tmp = `${target}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(install.root, tmp, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(tmp, '.complete'), `${install.version}\n`);
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  }
  const copy = { root: target, version: install.version };
  if (!canReach(binary(copy, 'postgres'), user))
    throw new Error(
      `The OS user "${user.name}" cannot execute ${binary(copy, 'postgres')}; make ${sharedRoot} and its parents searchable (chmod o+x), run as a non-root user, or set DATABASE_URL`,
    );
  return copy;
}

/**
 * The directory PostgreSQL keeps its cluster in, owned by the postgres user and within its reach.
 * When `dataDir` lies under a directory that user cannot enter (root's 0700 home), the cluster is
 * created under sharedRoot and `dataDir` becomes a symbolic link to it, so DATA_DIR still shows where it is.
 * Returns the real path.
 */
export function reachableDataDir(dataDir: string, user: RunAs, sharedRoot: string): string {
  mkdirSync(dirname(dataDir), { recursive: true });
  const isLink = existsSync(dataDir) && lstatSync(dataDir).isSymbolicLink();
  if (isLink || canReach(dirname(dataDir), user)) {
    mkdirSync(dataDir, { recursive: true });
    const real = realpathSync(dataDir);
    if (!existsSync(join(real, 'PG_VERSION'))) {
      chownSync(real, user.uid, user.gid);
      chmodSync(real, 0o700);
    }
    if (!canReach(real, user))
      throw new Error(
        `The OS user "${user.name}" that runs PostgreSQL cannot reach ${real}; make its parent directories searchable (chmod o+x), move DATA_DIR, or run as a non-root user`,
      );
    return real;
  }
  if (existsSync(dataDir)) {
    if (readdirSync(dataDir).length > 0) {
      throw new Error(
        `The OS user "${user.name}" that runs PostgreSQL cannot reach ${dataDir} (a parent directory, e.g. root's home, is mode 0700); move it to a directory others can enter and set DATA_DIR there, or run as a non-root user`,
      );
    }
    rmSync(dataDir, { recursive: true }); // empty: left behind by an earlier failed start
  }
  ensureSharedRoot(sharedRoot, user);
  const cluster = join(sharedRoot, 'clusters', randomUUID());
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  chmodSync(join(sharedRoot, 'clusters'), 0o755);
  chownSync(cluster, user.uid, user.gid);
  symlinkSync(cluster, dataDir);
  return cluster;
}
