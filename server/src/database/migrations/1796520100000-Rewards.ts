import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §4, 查实即奖、网上奖励: the county's reward table (amount by hazard category and level) and the
 * reward of a confirmed public report: proposed by one regulator, approved by another, paid with a
 * reference. The reporter reads only the state by their tracking code.
 */
export class Rewards1796520100000 implements MigrationInterface {
  name = 'Rewards1796520100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE reward_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region_code varchar(12) NOT NULL REFERENCES regions(code),
      region_path text NOT NULL,
      category varchar(40) NOT NULL,
      level varchar(16) NOT NULL CHECK (level IN ('general','major')),
      amount_yuan numeric(12,2) NOT NULL CHECK (amount_yuan > 0),
      updated_by uuid NOT NULL REFERENCES users(id),
      updated_at timestamptz NOT NULL,
      UNIQUE (region_code, category, level))`);
    await q.query(`CREATE TABLE rewards (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL UNIQUE REFERENCES reports(id) ON DELETE RESTRICT,
      hazard_id uuid NOT NULL REFERENCES hazards(id) ON DELETE RESTRICT,
      rule_id uuid NOT NULL REFERENCES reward_rules(id) ON DELETE RESTRICT,
      region_path text NOT NULL,
      category varchar(40) NOT NULL,
      level varchar(16) NOT NULL,
      amount_yuan numeric(12,2) NOT NULL CHECK (amount_yuan > 0),
      state varchar(16) NOT NULL CHECK (state IN ('proposed','approved','paid')),
      proposed_by uuid NOT NULL REFERENCES users(id),
      proposed_at timestamptz NOT NULL,
      approved_by uuid REFERENCES users(id),
      approved_at timestamptz,
      paid_at timestamptz,
      payment_reference varchar(64),
      paid_recorded_by uuid REFERENCES users(id),
      CHECK (approved_by IS NULL OR approved_by <> proposed_by),
      CHECK ((state IN ('approved','paid')) = (approved_by IS NOT NULL AND approved_at IS NOT NULL)),
      CHECK ((state = 'paid') = (paid_at IS NOT NULL AND payment_reference IS NOT NULL)))`);
    await q.query(`CREATE INDEX rewards_region_idx ON rewards (region_path text_pattern_ops, proposed_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rewards`);
    await q.query(`DROP TABLE reward_rules`);
  }
}
