import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { cpuSeconds, serverPids } from './environment';

/** CPU seconds per thread or backend at one moment, each under the category it is counted in. */
export interface SplitSnapshot {
  at: number;
  /** pid or tid → [category, CPU seconds, seconds runnable but waiting for a core] */
  items: Map<string, [string, number, number]>;
}

/** Seconds a thread has spent runnable on a run queue, waiting for a core (/proc/…/schedstat, field 2). */
function waitSeconds(path: number | string): number {
  try {
    return Number(readFileSync(`/proc/${path}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return 0;
  }
}

function roleOf(pid: number): string {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return env.find((e) => e.startsWith('SERVER_ROLE='))?.slice('SERVER_ROLE='.length) || 'launcher';
  } catch {
    return '?';
  }
}

/**
 * Where the CPU goes (issue 19): each server process's event-loop thread apart from its other threads
 * (export workers, GC, libuv), and PostgreSQL's backends by application_name (arcgate-device,
 * arcgate-api, arcgate-hot-path, arcgate-reporting, …; background processes by their type).
 */
export async function splitSnapshot(
  serverPid: number,
  pg: Client,
  o: { bench?: boolean } = {},
): Promise<SplitSnapshot> {
  const items = new Map<string, [string, number, number]>();
  if (o.bench) {
    // The bench itself: its event loop runs the simulated devices; its other threads the regulator load.
    for (const tid of readdirSync('/proc/self/task')) {
      const path = `${process.pid}/task/${tid}`;
      const label = Number(tid) === process.pid ? 'bench event loop (devices)' : 'bench other threads';
      items.set(`b${tid}`, [label, cpuSeconds(path), waitSeconds(path)]);
    }
  }
  for (const pid of serverPids(serverPid)) {
    const role = roleOf(pid);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      // /proc/<tid>/stat of the leader is the whole process: a thread's own time is under task/.
      const secs = cpuSeconds(`${pid}/task/${tid}`);
      if (!Number.isFinite(secs)) continue;
      items.set(`t${tid}`, [
        `${role} ${Number(tid) === pid ? 'event loop' : 'other threads'}`,
        secs,
        waitSeconds(`${pid}/task/${tid}`),
      ]);
    }
  }
  const rows = await pg.query<{ pid: number; name: string }>(
    `SELECT pid, COALESCE(NULLIF(application_name, ''), backend_type) AS name FROM pg_stat_activity`,
  );
  for (const r of rows.rows) {
    const secs = cpuSeconds(r.pid);
    if (Number.isFinite(secs)) items.set(`p${r.pid}`, [`postgres ${r.name}`, secs, waitSeconds(r.pid)]);
  }
  return { at: Date.now(), items };
}

/** Average cores per category between two snapshots (a thread or backend new since `a` counts from 0). */
export function splitBetween(a: SplitSnapshot, b: SplitSnapshot): Record<string, number> {
  const s = Math.max(0.001, (b.at - a.at) / 1000);
  const out: Record<string, number> = {};
  for (const [key, [cat, secs]] of b.items) {
    const d = secs - (a.items.get(key)?.[1] ?? 0);
    if (d > 0) out[cat] = (out[cat] ?? 0) + d / s;
  }
  return Object.fromEntries(Object.entries(out).sort((x, y) => y[1] - x[1]));
}

/**
 * Run-queue wait per category between two snapshots, in milliseconds per second of the window: how long
 * its threads were ready to run but had no core. The device plane's share of it is what a loaded machine
 * adds to an arm request's answer.
 */
export function waitBetween(a: SplitSnapshot, b: SplitSnapshot): Record<string, number> {
  const s = Math.max(0.001, (b.at - a.at) / 1000);
  const out: Record<string, number> = {};
  for (const [key, [cat, , wait]] of b.items) {
    const d = wait - (a.items.get(key)?.[2] ?? 0);
    if (d > 0) out[cat] = (out[cat] ?? 0) + (1000 * d) / s;
  }
  return Object.fromEntries(Object.entries(out).sort((x, y) => y[1] - x[1]));
}
