import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The China days on which each machine was heard (any device event naming it), rolled up from device_events
 * by off-platform/online-days (issue 19): the off-platform lists count a machine's online days with one
 * probe of this table instead of one device_events probe per day of the look-back. Rows are never derived
 * back from device_events, so the days outlive the events' retention (13 months, telemetry/archive).
 *
 * The roll-up reads the events received since its watermark; a BRIN index on received_at makes that a
 * read of the newest pages of each partition (rows are appended in the order they are received), and
 * costs the ingest next to nothing. Backfilled here from every event still stored; the watermark starts
 * at this transaction's start (the roll-up re-reads a grace period before it, so events committed while
 * this migration runs are not lost).
 */
export class MachineOnlineDays1796800003000 implements MigrationInterface {
  name = 'MachineOnlineDays1796800003000';

  public async up(q: QueryRunner): Promise<void> {
    // No foreign key: device_events.machine_id has none either, and a removed machine must not stop the roll-up.
    await q.query(`CREATE TABLE machine_online_days (
      machine_id uuid NOT NULL,
      day date NOT NULL,
      PRIMARY KEY (machine_id, day))`);
    await q.query(`CREATE TABLE machine_online_days_rollup (
      id smallint PRIMARY KEY CHECK (id = 1),
      received_upto timestamptz NOT NULL,
      rolled_up_at timestamptz NOT NULL)`);
    await q.query(
      `CREATE INDEX device_events_received_brin ON device_events USING brin (received_at) WITH (autosummarize = on)`,
    );
    // The unpermitted list's other per-machine probe: arcs without a grant are few, so the probe reads only them
    // (arcs_machine_time_idx read every arc of the machine in the look-back to find none).
    await q.query(`CREATE INDEX arcs_machine_ungranted_idx ON arcs (machine_id, started_at) WHERE grant_id IS NULL`);
    await q.query(`INSERT INTO machine_online_days_rollup (id, received_upto, rolled_up_at) VALUES (1, now(), now())`);
    // China day = UTC+8, no daylight saving (common/time/china-date.ts).
    await q.query(`INSERT INTO machine_online_days (machine_id, day)
      SELECT DISTINCT machine_id, ((occurred_at AT TIME ZONE 'UTC') + interval '8 hours')::date
        FROM device_events WHERE machine_id IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS arcs_machine_ungranted_idx`);
    await q.query(`DROP INDEX IF EXISTS device_events_received_brin`);
    await q.query(`DROP TABLE IF EXISTS machine_online_days_rollup`);
    await q.query(`DROP TABLE IF EXISTS machine_online_days`);
  }
}
