import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The off-platform ranking's signals per enterprise for the default look-back, counted every few minutes
 * (off-platform/ranking-signals.job.ts) instead of for every page: counting them is eleven index probes
 * per enterprise, 83 µs each enterprise (city data: 576 ms p95 for 6,250 enterprises; a province has
 * 50,000). One column per RANKING_SIGNALS entry; one row when the signals were counted.
 */
export class RankingSignals1796900005000 implements MigrationInterface {
  name = 'RankingSignals1796900005000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE off_platform_signals (
        enterprise_id uuid PRIMARY KEY,
        unchipped_machines integer NOT NULL,
        silent_machines integer NOT NULL,
        online_days_without_permit integer NOT NULL,
        arcs_without_grant integer NOT NULL,
        no_machines integer NOT NULL,
        no_welders integer NOT NULL,
        uncertified_welders integer NOT NULL,
        review_due_certificates integer NOT NULL,
        idle_permits integer NOT NULL,
        public_reports integer NOT NULL,
        unregistered_machines_found integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE off_platform_signal_refreshes (
        id smallint PRIMARY KEY CHECK (id = 1),
        counted_at timestamptz NOT NULL,
        days integer NOT NULL,
        took_ms integer NOT NULL
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS off_platform_signal_refreshes`);
    await q.query(`DROP TABLE IF EXISTS off_platform_signals`);
  }
}
