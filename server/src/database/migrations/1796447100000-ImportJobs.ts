import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger imports run as jobs parsed in worker threads: their state, progress and outcome are kept
 * so that a result survives a page reload. The upload stays only while a rejected job may still be
 * asked for its error report.
 */
export class ImportJobs1796447100000 implements MigrationInterface {
  name = 'ImportJobs1796447100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE import_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      ledger text NOT NULL CHECK (ledger IN ('machines', 'welders')),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id),
      created_by uuid REFERENCES users(id),
      state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'rejected', 'failed')),
      rows_read integer NOT NULL DEFAULT 0,
      rows_estimate integer,
      imported integer,
      ids jsonb,
      row_errors jsonb,
      error jsonb,
      upload bytea,
      file_name text,
      instance_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    await q.query('CREATE INDEX import_jobs_created_by ON import_jobs (created_by, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE import_jobs');
  }
}
