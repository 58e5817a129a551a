import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §3, enforcement cases (立案): opened from a hazard (source_type 'hazard'); an inspection
 * source is one more value of source_type and one more nullable reference, added by the inspection
 * module's own migration without rewriting this table. The decision (warning, fine in yuan, suspension
 * of named machines, 停产整顿), the 一案双罚 second party (name encrypted at rest) and the closure.
 */
export class EnforcementCases1796520000000 implements MigrationInterface {
  name = 'EnforcementCases1796520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE enforcement_cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
      region_code varchar(12) NOT NULL REFERENCES regions(code),
      region_path text NOT NULL,
      source_type varchar(20) NOT NULL CHECK (source_type IN ('hazard')),
      source_hazard_id uuid REFERENCES hazards(id) ON DELETE RESTRICT,
      legal_basis varchar(500) NOT NULL,
      facts varchar(2000) NOT NULL,
      warning boolean NOT NULL DEFAULT false,
      fine_yuan numeric(12,2) CHECK (fine_yuan > 0),
      production_halt boolean NOT NULL DEFAULT false,
      suspended_machine_ids uuid[] NOT NULL DEFAULT '{}',
      second_party_name_enc text,
      second_party_role varchar(60),
      state varchar(16) NOT NULL CHECK (state IN ('open','closed')),
      closure_note varchar(2000),
      suspension_lifted boolean,
      opened_by uuid NOT NULL REFERENCES users(id),
      opened_at timestamptz NOT NULL,
      closed_by uuid REFERENCES users(id),
      closed_at timestamptz,
      CHECK (source_type <> 'hazard' OR source_hazard_id IS NOT NULL),
      CHECK (warning OR fine_yuan IS NOT NULL OR production_halt OR cardinality(suspended_machine_ids) > 0),
      CHECK ((second_party_name_enc IS NULL) = (second_party_role IS NULL)),
      CHECK ((state = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL)))`);
    await q.query(
      `CREATE INDEX enforcement_cases_region_idx ON enforcement_cases (region_path text_pattern_ops, opened_at DESC)`,
    );
    await q.query(`CREATE INDEX enforcement_cases_hazard_idx ON enforcement_cases (source_hazard_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enforcement_cases`);
  }
}
