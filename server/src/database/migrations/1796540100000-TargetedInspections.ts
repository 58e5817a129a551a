import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §0/§2: a suspect of the off-platform audit becomes an inspection target in one click. Such a
 * plan is `targeted` (定向检查, 四不两直: not announced, so not published), names why (`reason`) and the
 * audit row it came from (`source`); its two inspectors are still drawn at random with a recorded seed.
 */
export class TargetedInspections1796540100000 implements MigrationInterface {
  name = 'TargetedInspections1796540100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE inspection_plans ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'random' CHECK (kind IN ('random', 'targeted'))`,
    );
    await q.query(`ALTER TABLE inspection_plans ADD COLUMN reason varchar(500)`);
    await q.query(`ALTER TABLE inspection_plans ADD COLUMN source jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inspection_plans DROP COLUMN source, DROP COLUMN reason, DROP COLUMN kind`);
  }
}
