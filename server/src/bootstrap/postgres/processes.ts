import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** Whether a process with this id exists (EPERM: it exists but belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kernel start time of a process (Linux, /proc/PID/stat field 22), to tell a reused pid from the original; null elsewhere. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ")".
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is a postmaster serving `dataDir`. After a reboot the pid in a stale postmaster.pid
 * often belongs to some other process (in containers even to this server), which must not be signalled.
 * The postmaster runs with the data directory as its working directory; where /proc is missing, its name must say postgres.
 */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return realpathSync(readlinkSync(`/proc/${pid}/cwd`)) === realpathSync(dataDir);
  } catch {
    if (process.platform === 'linux') return false;
    try {
      return /postgres/.test(execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }));
    } catch {
      return false;
    }
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Stops a postmaster the way `pg_ctl stop -m fast` does (pg_ctl refuses to run as root, and this
 * works the same for postmasters started by another process): SIGINT, then SIGQUIT (immediate
 * shutdown, crash recovery on the next start), then SIGKILL.
 */
export async function stopPostmaster(pid: number, fastTimeoutMs = 30_000): Promise<void> {
  for (const [signal, wait] of [
    ['SIGINT', fastTimeoutMs],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw e;
    }
    if (await waitForExit(pid, wait)) return;
  }
  throw new Error(`PostgreSQL (pid ${pid}) did not stop even after SIGKILL`);
}
