import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §0, the off-platform audit (非法作业排查): its lists probe per enterprise and per row
 * (off-platform/off-platform.repository.ts). These indexes keep each probe an index lookup at province
 * scale: permits that ended in the look-back per enterprise, public reports per enterprise, certificates
 * by review date, and enterprises by industry (the filter).
 */
export class OffPlatformAudit1796510000000 implements MigrationInterface {
  name = 'OffPlatformAudit1796510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX permits_enterprise_end_idx ON permits (enterprise_id, planned_end) WHERE approved_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX reports_enterprise_created_idx ON reports (enterprise_id, created_at) WHERE enterprise_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX certificates_review_due_idx ON certificates (review_due_on) WHERE status = 'valid'`);
    await q.query(`CREATE INDEX enterprises_industry_idx ON enterprises (industry)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const idx of [
      'enterprises_industry_idx',
      'certificates_review_due_idx',
      'reports_enterprise_created_idx',
      'permits_enterprise_end_idx',
    ])
      await q.query(`DROP INDEX IF EXISTS ${idx}`);
  }
}
