import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §2, inspection planning (双随机一公开): a plan for a period and a region, the draw's inputs
 * (seed, candidates with their facts, weights, inspector pool) kept as drawn so that the draw can be re-run,
 * and the drawn enterprises with their two inspectors and the on-site check-in (who, when, where). "Days since the last inspection" reads the targets.
 */
export class InspectionPlans1796530000000 implements MigrationInterface {
  name = 'InspectionPlans1796530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inspection_plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title varchar(200) NOT NULL,
        region_code varchar(12) NOT NULL,
        region_path text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL CHECK (period_end >= period_start),
        sample_size int NOT NULL CHECK (sample_size > 0),
        weights jsonb NOT NULL,
        seed varchar(128) NOT NULL,
        candidates jsonb NOT NULL,
        inspector_pool uuid[] NOT NULL,
        drawn_at timestamptz NOT NULL,
        created_by uuid
      )`);
    await q.query(
      `CREATE INDEX inspection_plans_region_idx ON inspection_plans (region_path text_pattern_ops, drawn_at DESC)`,
    );
    await q.query(`
      CREATE TABLE inspection_targets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES inspection_plans(id) ON DELETE CASCADE,
        position int NOT NULL,
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        weight numeric(10,3) NOT NULL,
        inspector_ids uuid[] NOT NULL CHECK (cardinality(inspector_ids) = 2),
        checked_in_at timestamptz,
        checked_in_by uuid,
        check_in_latitude numeric(9,6),
        check_in_longitude numeric(9,6),
        UNIQUE (plan_id, position),
        UNIQUE (plan_id, enterprise_id)
      )`);
    await q.query(`CREATE INDEX inspection_targets_enterprise_idx ON inspection_targets (enterprise_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS inspection_targets`);
    await q.query(`DROP TABLE IF EXISTS inspection_plans`);
  }
}
