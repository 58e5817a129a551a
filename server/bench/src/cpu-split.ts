import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { cpuSeconds, serverPids } from './environment';

/** CPU seconds per thread or backend at one moment, each under the category it is counted in. */
export interface SplitSnapshot {
  at: number;
  /** pid or tid → [category, seconds] */
  items: Map<string, [string, number]>;
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
export async function splitSnapshot(serverPid: number, pg: Client): Promise<SplitSnapshot> {
  const items = new Map<string, [string, number]>();
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
      items.set(`t${tid}`, [`${role} ${Number(tid) === pid ? 'event loop' : 'other threads'}`, secs]);
    }
  }
  const rows = await pg.query<{ pid: number; name: string }>(
    `SELECT pid, COALESCE(NULLIF(application_name, ''), backend_type) AS name FROM pg_stat_activity`,
  );
  for (const r of rows.rows) {
    const secs = cpuSeconds(r.pid);
    if (Number.isFinite(secs)) items.set(`p${r.pid}`, [`postgres ${r.name}`, secs]);
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
