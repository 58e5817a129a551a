import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The regulators' census, pre-aggregated (issue 19: no whole-province count on every page load).
 * stats/census/census.repository.ts rewrites these tables every few minutes; the overview of a
 * regulator or the platform admin sums their rows (about one per township) and counts only what must
 * be live (online machines, open alerts, today's activity) from the source tables.
 *
 * - census_regions: per enterprise region path, enterprises, machines and active welders (by their
 *   employer) as they were at counted_at;
 * - census_days: per region path and China day, arcs (where they were made), permits (by planned start)
 *   and alerts (first raised; '' stands for alerts of no region, which every regulator sees);
 * - census_refreshes: one row, when the tables were counted and which days they hold.
 */
export class CensusSnapshot1796900003000 implements MigrationInterface {
  name = 'CensusSnapshot1796900003000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE census_regions (
        region_path text PRIMARY KEY,
        enterprises integer NOT NULL,
        enterprises_active integer NOT NULL,
        enterprises_suspended integer NOT NULL,
        enterprises_closed integer NOT NULL,
        machines integer NOT NULL,
        machines_registered integer NOT NULL,
        machines_active integer NOT NULL,
        machines_suspended integer NOT NULL,
        machines_retired integer NOT NULL,
        machines_chipped integer NOT NULL,
        welders integer NOT NULL,
        welders_valid integer NOT NULL,
        welders_expiring integer NOT NULL,
        welders_expired integer NOT NULL,
        welders_review_overdue integer NOT NULL,
        welders_none integer NOT NULL
      )`);
    await q.query(`CREATE INDEX census_regions_path ON census_regions (region_path text_pattern_ops)`);
    await q.query(`
      CREATE TABLE census_days (
        region_path text NOT NULL,
        day date NOT NULL,
        arcs integer NOT NULL,
        permits integer NOT NULL,
        alerts integer NOT NULL,
        PRIMARY KEY (region_path, day)
      )`);
    await q.query(`
      CREATE TABLE census_refreshes (
        id smallint PRIMARY KEY CHECK (id = 1),
        counted_at timestamptz NOT NULL,
        today date NOT NULL,
        days_from date NOT NULL,
        days_to date NOT NULL,
        took_ms integer NOT NULL
      )`);
    // Today's part of the trend is counted live: alerts by the day they were first raised.
    await q.query(`CREATE INDEX alerts_first_seen_idx ON alerts (first_seen_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS alerts_first_seen_idx`);
    await q.query(`DROP TABLE IF EXISTS census_refreshes`);
    await q.query(`DROP TABLE IF EXISTS census_days`);
    await q.query(`DROP TABLE IF EXISTS census_regions`);
  }
}
