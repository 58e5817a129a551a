import { MigrationInterface, QueryRunner } from 'typeorm';

export class Registry1763900000000 implements MigrationInterface {
  name = 'Registry1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE regions (
      code varchar(12) PRIMARY KEY,
      name varchar(100) NOT NULL,
      level varchar(16) NOT NULL CHECK (level IN ('province','city','county','township','village')),
      parent_code varchar(12) REFERENCES regions(code),
      path text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX regions_path_idx ON regions (path text_pattern_ops)`);

    await q.query(`CREATE TABLE enterprises (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(200) NOT NULL,
      uscc char(18) NOT NULL UNIQUE,
      industry varchar(100) NOT NULL,
      region_code varchar(12) NOT NULL REFERENCES regions(code),
      region_path text NOT NULL,
      address varchar(300) NOT NULL,
      latitude numeric(9,6),
      longitude numeric(9,6),
      principal_name varchar(50) NOT NULL,
      principal_phone_enc text NOT NULL,
      controller_name varchar(50),
      controller_phone_enc text,
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','closed')),
      status_reason varchar(500),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX enterprises_region_path_idx ON enterprises (region_path text_pattern_ops)`);

    await q.query(`CREATE TABLE machines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
      name varchar(100) NOT NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('electric_arc','resistance','gas')),
      manufacturer varchar(100) NOT NULL,
      model varchar(100) NOT NULL,
      serial_number varchar(100) NOT NULL,
      rated_input_kva numeric(8,2),
      status varchar(16) NOT NULL DEFAULT 'registered' CHECK (status IN ('registered','active','suspended','retired')),
      status_reason varchar(500),
      retired_at timestamptz,
      chip_id varchar(64) UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (manufacturer, serial_number))`);
    await q.query(`CREATE INDEX machines_enterprise_idx ON machines (enterprise_id)`);

    await q.query(`CREATE TABLE welders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      real_name varchar(50) NOT NULL,
      id_number_enc text NOT NULL,
      id_number_index char(64) NOT NULL UNIQUE,
      id_number_masked varchar(18) NOT NULL,
      phone_enc text,
      phone_masked varchar(11),
      employer_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX welders_employer_idx ON welders (employer_id)`);

    await q.query(`CREATE TABLE welder_engagements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      welder_id uuid NOT NULL REFERENCES welders(id) ON DELETE CASCADE,
      enterprise_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
      kind varchar(16) NOT NULL CHECK (kind IN ('dispatched','outsourced','contractor')),
      starts_on date NOT NULL,
      ends_on date,
      note varchar(500),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on IS NULL OR ends_on >= starts_on))`);
    await q.query(`CREATE INDEX welder_engagements_enterprise_idx ON welder_engagements (enterprise_id)`);
    await q.query(`CREATE INDEX welder_engagements_welder_idx ON welder_engagements (welder_id)`);

    await q.query(`CREATE TABLE certificates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      welder_id uuid NOT NULL REFERENCES welders(id) ON DELETE CASCADE,
      category varchar(40) NOT NULL,
      sub_operation varchar(40) NOT NULL,
      issued_on date NOT NULL,
      expires_on date NOT NULL,
      review_due_on date NOT NULL,
      last_reviewed_on date,
      issuing_authority varchar(100),
      status varchar(16) NOT NULL DEFAULT 'valid' CHECK (status IN ('valid','suspended','revoked')),
      source varchar(16) NOT NULL CHECK (source IN ('import','manual','connector')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (expires_on > issued_on),
      UNIQUE (welder_id, sub_operation, issued_on))`);
    await q.query(`CREATE INDEX certificates_welder_idx ON certificates (welder_id)`);
    await q.query(`CREATE INDEX certificates_expires_idx ON certificates (expires_on)`);

    await q.query(`CREATE TABLE training_records (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      welder_id uuid NOT NULL REFERENCES welders(id) ON DELETE CASCADE,
      tier varchar(16) NOT NULL CHECK (tier IN ('county','township','enterprise')),
      course varchar(200) NOT NULL,
      hours numeric(6,1) NOT NULL CHECK (hours > 0),
      completed_on date NOT NULL,
      provider varchar(200),
      passed boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX training_records_welder_idx ON training_records (welder_id)`);

    await q.query(`CREATE TABLE identity_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code varchar(32) NOT NULL UNIQUE,
      subject_type varchar(16) NOT NULL CHECK (subject_type IN ('machine','welder')),
      subject_id uuid NOT NULL,
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),
      issued_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_reason varchar(200))`);
    await q.query(
      `CREATE UNIQUE INDEX identity_codes_one_active ON identity_codes (subject_type, subject_id) WHERE status = 'active'`,
    );

    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username varchar(64) NOT NULL UNIQUE,
      password_hash varchar(100) NOT NULL,
      display_name varchar(100) NOT NULL,
      role varchar(32) NOT NULL CHECK (role IN ('platform_admin','regulator','enterprise_admin','safety_manager','welder')),
      region_code varchar(12) REFERENCES regions(code),
      enterprise_id uuid REFERENCES enterprises(id),
      welder_id uuid REFERENCES welders(id),
      status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((role = 'regulator') = (region_code IS NOT NULL)),
      CHECK ((role IN ('enterprise_admin','safety_manager')) = (enterprise_id IS NOT NULL)),
      CHECK ((role = 'welder') = (welder_id IS NOT NULL)))`);

    await q.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      actor_user_id uuid,
      actor_role varchar(32) NOT NULL,
      action varchar(64) NOT NULL,
      entity_type varchar(64) NOT NULL,
      entity_id varchar(64) NOT NULL,
      enterprise_id uuid,
      region_path text,
      before jsonb,
      after jsonb,
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL UNIQUE)`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id)`);
    // The log is append-only: the database itself refuses edits and deletions.
    await q.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'audit_log',
      'users',
      'identity_codes',
      'training_records',
      'certificates',
      'welder_engagements',
      'welders',
      'machines',
      'enterprises',
      'regions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_log_append_only`);
  }
}
