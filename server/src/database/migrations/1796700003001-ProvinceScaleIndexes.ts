import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the regulator lists at province scale (issue 19): newest-first pages of arcs, grants,
 * decisions and audit entries, scoped by the row's own region_path or enterprise_id, read in index
 * order and stopped after one page instead of sorting the whole province.
 */
export class ProvinceScaleIndexes1796700003001 implements MigrationInterface {
  name = 'ProvinceScaleIndexes1796700003001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX arcs_started_idx ON arcs (started_at DESC)`);
    await q.query(`CREATE INDEX arcs_welder_time_idx ON arcs (welder_id, started_at DESC) WHERE welder_id IS NOT NULL`);
    await q.query(`CREATE INDEX grants_issued_idx ON grants (issued_at DESC)`);
    await q.query(`CREATE INDEX grants_region_issued_idx ON grants (region_path text_pattern_ops, issued_at DESC)`);
    await q.query(`CREATE INDEX decisions_region_idx ON decisions (region_path text_pattern_ops, at DESC)`);
    await q.query(`CREATE INDEX audit_log_region_idx ON audit_log (region_path text_pattern_ops, id DESC)`);
    await q.query(`CREATE INDEX audit_log_enterprise_idx ON audit_log (enterprise_id, id DESC)`);
    await q.query(`CREATE INDEX alerts_machine_last_seen_idx ON alerts (machine_id, last_seen_at DESC)`);
    await q.query(`CREATE INDEX hazards_created_idx ON hazards (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX welders_created_idx ON welders (created_at DESC, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const name of [
      'welders_created_idx',
      'hazards_created_idx',
      'alerts_machine_last_seen_idx',
      'audit_log_enterprise_idx',
      'audit_log_region_idx',
      'decisions_region_idx',
      'grants_region_issued_idx',
      'grants_issued_idx',
      'arcs_welder_time_idx',
      'arcs_started_idx',
    ])
      await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
