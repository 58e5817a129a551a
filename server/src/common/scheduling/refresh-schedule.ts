/**
 * A count that takes longer than 1/DUTY_FACTOR of its interval stretches the interval to DUTY_FACTOR× its
 * own duration: recounting costs at most 5 % of one database core, whatever the size of the data.
 */
export const DUTY_FACTOR = 20;
/** A snapshot older than this many intervals means its job has been failing: readers count live instead. */
const STALE_AFTER_INTERVALS = 10;
/** A timer tick may come a little early; without slack every other tick would find the snapshot too young. */
const EARLY_TICK_SLACK_MS = 1_000;

/** One count of a snapshot: when, and how long it took. */
export interface Counted {
  countedAt: Date;
  tookMs: number;
}

/**
 * When a periodically recounted snapshot (the overview's census, the off-platform ranking's signals) is
 * counted again, and whether readers may still trust it. `everyMs` 0: no snapshot, readers count live.
 */
export class RefreshSchedule {
  constructor(readonly everyMs: number) {}

  get enabled(): boolean {
    return this.everyMs > 0;
  }

  /** The interval kept after `last`: the configured one, or DUTY_FACTOR× the last count when that is longer. */
  intervalMs(last: Pick<Counted, 'tookMs'> | null): number {
    return Math.max(this.everyMs, DUTY_FACTOR * (last?.tookMs ?? 0));
  }

  /** How old the snapshot must be before a tick counts again (another replica may just have counted). */
  minAgeMs(last: Pick<Counted, 'tookMs'> | null): number {
    return this.intervalMs(last) - EARLY_TICK_SLACK_MS;
  }

  /** The count took longer than its share: worth a log line, the next one waits DUTY_FACTOR× as long. */
  isSlow(done: Counted): boolean {
    return done.tookMs > this.everyMs / DUTY_FACTOR;
  }

  /** Readers may use `last` at `now`: snapshots are on and it is not STALE_AFTER_INTERVALS intervals old. */
  trusted(last: Counted | null, now: Date): boolean {
    if (!this.enabled || !last) return false;
    return now.getTime() - last.countedAt.getTime() <= STALE_AFTER_INTERVALS * this.intervalMs(last);
  }
}

/**
 * Takes the transaction-level advisory lock `key` of a snapshot's recount: waits for it (`wait`), or answers
 * false at once when another replica holds it.
 */
export async function takeRecountLock(
  query: (sql: string, params: unknown[]) => Promise<{ ok?: boolean }[]>,
  key: number,
  wait: boolean,
): Promise<boolean> {
  if (wait) {
    await query('SELECT pg_advisory_xact_lock($1)', [key]);
    return true;
  }
  const [r] = await query('SELECT pg_try_advisory_xact_lock($1) AS ok', [key]);
  return !!r?.ok;
}
