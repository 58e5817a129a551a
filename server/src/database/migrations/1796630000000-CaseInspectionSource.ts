import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §3: a case may also be opened from an inspection target (an enterprise drawn for an inspection
 * plan), as the cases migration foresaw: one more value of source_type and one more nullable reference.
 * A case has exactly one source.
 */
export class CaseInspectionSource1796630000000 implements MigrationInterface {
  name = 'CaseInspectionSource1796630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_cases DROP CONSTRAINT enforcement_cases_source_type_check`);
    await q.query(
      `ALTER TABLE enforcement_cases ADD CONSTRAINT enforcement_cases_source_type_check
         CHECK (source_type IN ('hazard', 'inspection'))`,
    );
    await q.query(
      `ALTER TABLE enforcement_cases
         ADD COLUMN source_inspection_target_id uuid REFERENCES inspection_targets(id) ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE enforcement_cases ADD CONSTRAINT enforcement_cases_one_source
         CHECK ((source_type = 'hazard' AND source_hazard_id IS NOT NULL AND source_inspection_target_id IS NULL)
             OR (source_type = 'inspection' AND source_inspection_target_id IS NOT NULL AND source_hazard_id IS NULL))`,
    );
    await q.query(
      `CREATE INDEX enforcement_cases_inspection_idx ON enforcement_cases (source_inspection_target_id)
         WHERE source_inspection_target_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM enforcement_cases WHERE source_type = 'inspection'`);
    await q.query(`DROP INDEX enforcement_cases_inspection_idx`);
    await q.query(`ALTER TABLE enforcement_cases DROP CONSTRAINT enforcement_cases_one_source`);
    await q.query(`ALTER TABLE enforcement_cases DROP COLUMN source_inspection_target_id`);
    await q.query(`ALTER TABLE enforcement_cases DROP CONSTRAINT enforcement_cases_source_type_check`);
    await q.query(
      `ALTER TABLE enforcement_cases ADD CONSTRAINT enforcement_cases_source_type_check CHECK (source_type IN ('hazard'))`,
    );
  }
}
