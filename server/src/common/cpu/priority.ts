import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice value of the reporting work's PostgreSQL backends and threads: the device plane's get the CPU first. */
export const REPORTING_NICE = 10;

/**
 * Lowers the CPU priority of one PostgreSQL backend (pg's client.processID, i.e. pg_backend_pid()),
 * when that backend runs on this host and this process may: the embedded PostgreSQL, or a local one
 * under the same user or with root. A remote database's pid means nothing here, so the process must
 * be a local `postgres` one; anything else (another host, EPERM) is skipped: false. Best effort.
 */
export function lowerBackendPriority(pid: number | undefined, nice = REPORTING_NICE): boolean {
  if (!pid || process.platform !== 'linux') return false;
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return false;
    setPriority(pid, nice);
    // PostgreSQL makes every backend a session leader (setsid), so with autogroup on each backend is a
    // scheduling group of its own, and its nice alone ranks it against nothing: lower the group's too.
    lowerAutogroupPriority(pid, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lowers the calling thread's own CPU priority (a worker thread building an export): on Linux a
 * thread has its own id and nice value, found from /proc/thread-self. Names the thread too, so that
 * top -H and the bench's CPU split can tell it from the event loop. Best effort: false when not possible.
 */
export function lowerThisThreadPriority(name: string, nice = REPORTING_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    if (!tid) return false;
    try {
      // comm is at most 15 bytes.
      writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
    } catch {
      /* naming is cosmetic */
    }
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lowers the weight of the scheduling group a process leads (Linux autogroup: one per session, so the
 * process must have been started in its own session, spawn's `detached`). With autogroup on (the default
 * of most distribution kernels) the CPU is shared between sessions first and nice counts only inside one:
 * a niced api process in the device process's session still took that session's share (bench, issue 19).
 * Best effort: false without autogroup or permission. Under a cgroup (systemd units) autogroup does not apply.
 */
export function lowerAutogroupPriority(pid: number | undefined, nice = REPORTING_NICE): boolean {
  if (!pid || process.platform !== 'linux') return false;
  try {
    if (!autogroupEnabled()) return false;
    // Only a session leader: any other process shares a group with others (with this one, maybe).
    const session = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[3]);
    if (session !== pid) return false;
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    return true;
  } catch {
    return false;
  }
}

/** Whether the kernel groups scheduling by session (autogroup): then nice ranks threads only inside a group. */
export function autogroupEnabled(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}
