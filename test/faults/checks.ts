/**
 * The four invariants checked after every injected fault:
 *  (a) the simulator's output never carried power without a valid grant for longer than the
 *      watchdog bound (and, for faults that stop the heartbeat, it died within the bound);
 *  (b) every journaled event is stored exactly once;
 *  (c) the platform recovers by itself within the stated time (a fresh arm works end to end);
 *  (d) the right alert (or record) is raised.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HARDWARE_WATCHDOG_TIMEOUT_MS } from '@arcgate/protocol';
import type { Pool } from 'pg';
import type { ProcessRig } from '../support/process-rig';

export interface Check {
  ok: boolean;
  detail: string;
}

export const pass = (detail: string): Check => ({ ok: true, detail });
export const fail = (detail: string): Check => ({ ok: false, detail });

/** Slack over the hardware bound: the simulator's check period and a loaded machine. */
export const CUT_SLACK_MS = 250;
export const CUT_BOUND_MS = HARDWARE_WATCHDOG_TIMEOUT_MS + CUT_SLACK_MS;

interface GrantWindow {
  from: number;
  to: number;
}

/** Energised intervals of the output since `since`, from the simulator's own trace. */
export function energisedIntervals(rig: ProcessRig, since: number, until = Date.now()): { on: number; off: number }[] {
  const out: { on: number; off: number }[] = [];
  let on: number | null = null;
  for (const c of rig.outputChanges()) {
    if (c.energised && on === null) on = c.at;
    else if (!c.energised && on !== null) {
      if (c.at >= since) out.push({ on: Math.max(on, since), off: c.at });
      on = null;
    }
  }
  if (on !== null) out.push({ on: Math.max(on, since), off: until });
  return out;
}

async function grantWindows(db: Pool, chip: string, serverClockOffsetMs: number): Promise<GrantWindow[]> {
  const { rows } = await db.query<{ issued: Date; expires: Date; revoked: Date | null }>(
    `SELECT issued_at AS issued, expires_at AS expires, revoked_at AS revoked FROM grants WHERE chip_id = $1`,
    [chip],
  );
  // A server whose clock was jumped stamps its grants that much later than the simulator's clock.
  return rows.map((r) => ({
    from: r.issued.getTime() - serverClockOffsetMs,
    to: Math.min(r.expires.getTime(), r.revoked?.getTime() ?? Infinity) - serverClockOffsetMs,
  }));
}

/** (a): no stretch of power outside every grant's window longer than the bound. */
export async function checkPower(
  db: Pool,
  rig: ProcessRig,
  since: number,
  opts: { heartbeatStoppedAt?: number; serverClockOffsetMs?: number } = {},
): Promise<Check> {
  const intervals = energisedIntervals(rig, since);
  const windows = await grantWindows(db, rig.chip, opts.serverClockOffsetMs ?? 0);
  let worst = 0;
  for (const { on, off } of intervals) {
    // The part of [on, off] covered by no grant window.
    let uncovered = off - on;
    for (const w of windows) uncovered -= Math.max(0, Math.min(off, w.to) - Math.max(on, w.from));
    worst = Math.max(worst, uncovered);
  }
  if (worst > CUT_BOUND_MS) return fail(`power without a valid grant for ${worst} ms`);
  if (opts.heartbeatStoppedAt) {
    const t0 = opts.heartbeatStoppedAt;
    const liveAtT0 = intervals.some((i) => i.on <= t0 && i.off > t0);
    if (liveAtT0) {
      const offAt = rig.outputOffSince(t0);
      if (!offAt) return fail('output still live after the heartbeat stopped');
      if (offAt - t0 > CUT_BOUND_MS)
        return fail(`output died ${offAt - t0} ms after the heartbeat stopped (bound ${CUT_BOUND_MS} ms)`);
      return pass(`cut ${offAt - t0} ms after the heartbeat stopped`);
    }
    return pass('output was dead when the fault hit');
  }
  return pass(intervals.length ? `${intervals.length} live stretch(es), all under a grant` : 'output never live');
}

/** (b): the server holds seqs 1..N of the chip exactly once, N = the journal's last seq, nothing pending. */
export async function checkExactlyOnce(db: Pool, rig: ProcessRig): Promise<Check> {
  const metaFile = join(rig.journalDir, 'journal.meta.json');
  const journalFile = join(rig.journalDir, 'journal.jsonl');
  if (!existsSync(metaFile)) return fail('the agent has no journal meta yet');
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { ackedUpTo: number; nextSeq: number };
  const pending = existsSync(journalFile) ? readFileSync(journalFile, 'utf8').split('\n').filter(Boolean).length : 0;
  const last = meta.nextSeq - 1;
  const { rows } = await db.query<{ n: string; distinct_n: string; max: string | null }>(
    `SELECT count(*) AS n, count(DISTINCT seq) AS distinct_n, max(seq) AS max FROM device_events WHERE chip_id = $1`,
    [rig.chip],
  );
  const lost = await db.query<{ n: string }>(
    `SELECT coalesce(sum((payload->>'toSeq')::bigint - (payload->>'fromSeq')::bigint + 1), 0) AS n FROM device_events WHERE chip_id = $1 AND type = 'journal.lost'`,
    [rig.chip],
  );
  const n = Number(rows[0].n);
  const distinct = Number(rows[0].distinct_n);
  const max = Number(rows[0].max ?? 0);
  const lostN = Number(lost.rows[0].n);
  const detail = `journal last seq ${last}, pending ${pending}; stored ${n} (max ${max}, ${lostN} declared lost)`;
  if (n !== distinct) return fail(`duplicates stored: ${detail}`);
  if (pending > 0 || meta.ackedUpTo !== last) return fail(`not everything acknowledged: ${detail}`);
  if (max !== last || n + lostN !== last) return fail(`gap or surplus: ${detail}`);
  return pass(detail);
}

/** Alerts of a chip raised or repeated since `since`. */
export async function alertsSince(
  db: Pool,
  chip: string,
  since: number,
): Promise<{ type: string; severity: string; count: number }[]> {
  const { rows } = await db.query<{ type: string; severity: string; count: number }>(
    `SELECT type, severity, count FROM alerts WHERE chip_id = $1 AND last_seen_at >= $2 ORDER BY first_seen_at`,
    [chip, new Date(since - 1_000)],
  );
  return rows;
}

/** Stored events of a chip since `since` (device clock), optionally of one type. */
export async function eventsSince(
  db: Pool,
  chip: string,
  sinceSeq: number,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored event payloads of every type, read field by field by the checks
): Promise<{ seq: number; type: string; payload: any }[]> {
  const { rows } = await db.query(
    `SELECT seq::int AS seq, type, payload FROM device_events WHERE chip_id = $1 AND seq > $2 ORDER BY seq`,
    [chip, sinceSeq],
  );
  return rows;
}

export async function lastSeq(db: Pool, chip: string): Promise<number> {
  const { rows } = await db.query<{ m: string | null }>(`SELECT max(seq) AS m FROM device_events WHERE chip_id = $1`, [
    chip,
  ]);
  return Number(rows[0].m ?? 0);
}
