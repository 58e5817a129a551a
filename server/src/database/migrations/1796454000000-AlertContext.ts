import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, alerts say who, which machine and where: the list joins machines, welders and permits by
 * the alert's references, filters by type and region over a period, and each console user has a
 * last-seen mark from which the menu's unread badge is counted.
 */
export class AlertContext1796454000000 implements MigrationInterface {
  name = 'AlertContext1796454000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX alerts_machine_idx ON alerts (machine_id) WHERE machine_id IS NOT NULL`);
    await q.query(`CREATE INDEX alerts_welder_idx ON alerts (welder_id) WHERE welder_id IS NOT NULL`);
    await q.query(`CREATE INDEX alerts_permit_idx ON alerts (permit_id) WHERE permit_id IS NOT NULL`);
    await q.query(`CREATE INDEX alerts_type_last_seen_idx ON alerts (type, last_seen_at DESC)`);
    await q.query(`CREATE INDEX alerts_region_last_seen_idx ON alerts (region_path text_pattern_ops, last_seen_at)`);
    await q.query(`CREATE TABLE alert_seen_marks (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      seen_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS alert_seen_marks`);
    for (const idx of [
      'alerts_region_last_seen_idx',
      'alerts_type_last_seen_idx',
      'alerts_permit_idx',
      'alerts_welder_idx',
      'alerts_machine_idx',
    ])
      await q.query(`DROP INDEX IF EXISTS ${idx}`);
  }
}
