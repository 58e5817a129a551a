import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One roll-up at a time per database: replicas all run the job, the others skip that tick. */
const ROLLUP_LOCK = 727_302;

/** China day (UTC+8, no daylight saving, as common/time/china-date.ts) of an instant column. */
export const chinaDaySql = (col: string) => `((${col} AT TIME ZONE 'UTC') + interval '8 hours')::date`;

/*
 * Every (machine, China day of occurred_at) of the events received after `since`, added once; the newest
 * received_at read becomes the next watermark. device_events_received_brin narrows the read to the pages
 * appended since (rows are appended in the order they arrive). ORDER BY: inserts in key order.
 */
const ROLL_UP = `
  WITH seen AS (
    SELECT de.machine_id, ${chinaDaySql('de.occurred_at')} AS day, max(de.received_at) AS received_at
      FROM device_events de
     WHERE de.received_at > $1 AND de.machine_id IS NOT NULL
     GROUP BY 1, 2),
  added AS (
    INSERT INTO machine_online_days (machine_id, day) SELECT machine_id, day FROM seen ORDER BY 1, 2
    ON CONFLICT DO NOTHING RETURNING 1)
  SELECT (SELECT count(*) FROM seen)::int AS seen, (SELECT count(*) FROM added)::int AS added,
         (SELECT max(received_at) FROM seen) AS upto`;

export interface RollUpResult {
  /** Another replica was rolling up: nothing done. */
  skipped: boolean;
  /** (machine, day) pairs read, and those new to the table. */
  seen: number;
  added: number;
  receivedUpto: Date | null;
}

/**
 * machine_online_days: the China days each machine was heard on (any device event naming it), the
 * off-platform lists' "online days". Written only by the roll-up below from device_events; never
 * derived back from them, so it keeps the days of events archived and dropped since.
 */
@Injectable()
export class OnlineDaysRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Adds the days of the events received since the watermark, minus `graceMs`: an event is stamped
   * received_at before its flush commits, and replicas' clocks differ, so a run re-reads that much
   * before the watermark (re-adding a day is a no-op) rather than miss an event committed late. The
   * watermark never passes the database's clock: events stamped ahead by a fast clock are re-read.
   */
  async rollUp(graceMs: number): Promise<RollUpResult> {
    return this.ds.transaction(async (em) => {
      const [{ ok }]: { ok: boolean }[] = await em.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [ROLLUP_LOCK]);
      if (!ok) return { skipped: true, seen: 0, added: 0, receivedUpto: null };
      // The BRIN scan, whatever the statistics say: where rows were not appended in arrival order (a bulk
      // load, the scale generator) the planner prices it as a full read and picks a parallel sequential scan
      // of every partition (4.5 s at 1.2 M events), though the BRIN still skips all but the newest ranges (60 ms).
      await em.query('SET LOCAL enable_seqscan = off');
      await em.query('SET LOCAL max_parallel_workers_per_gather = 0');
      const [state]: { received_upto: Date }[] = await em.query(
        `SELECT received_upto FROM machine_online_days_rollup WHERE id = 1 FOR UPDATE`,
      );
      const since = new Date(state.received_upto.getTime() - graceMs);
      const [r]: { seen: number; added: number; upto: Date | null }[] = await em.query(ROLL_UP, [since]);
      const [after]: { received_upto: Date }[] = await em.query(
        `UPDATE machine_online_days_rollup
            SET received_upto = GREATEST(received_upto, LEAST(COALESCE($1::timestamptz, received_upto), now())), rolled_up_at = now()
          WHERE id = 1 RETURNING received_upto`,
        [r.upto],
      );
      return { skipped: false, seen: r.seen, added: r.added, receivedUpto: after.received_upto };
    });
  }
}
