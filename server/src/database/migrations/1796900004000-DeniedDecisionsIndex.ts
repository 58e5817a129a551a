import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Regulators read refused attempts (decisions?allowed=false) by region: a tenth of the decisions. The
 * region index alone made the list's capped count read every decision of a county to find 10,000
 * refused ones (city data: 120–190 ms, 24,000 pages). Only refused decisions are indexed here, so the
 * device path pays for it on refusals alone.
 */
export class DeniedDecisionsIndex1796900004000 implements MigrationInterface {
  name = 'DeniedDecisionsIndex1796900004000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX decisions_denied_region_idx ON decisions (region_path text_pattern_ops, at DESC) WHERE NOT allowed`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS decisions_denied_region_idx`);
  }
}
