import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_ALERT_TYPES = ['HAZARD_OVERDUE'];

/** The alert types the current CHECK constraint allows, read from the database (independent of the order other branches' migrations ran). */
async function allowedTypes(q: QueryRunner): Promise<string[]> {
  const rows: { def: string }[] = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'alerts_type_check' AND conrelid = 'alerts'::regclass`,
  );
  return [...new Set([...(rows[0]?.def ?? '').matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]))];
}
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;
const list = (xs: string[]) => xs.map((x) => `'${x}'`).join(',');

const CATEGORIES = [
  'unlicensed_welding',
  'no_hot_work_permit',
  'machine_not_chipped',
  'fire_watch_missing',
  'gas_test_missing',
  'fire_equipment_missing',
  'modified_machine',
  'arc_without_grant',
  'machine_overuse',
  'combustibles_nearby',
  'other',
];
const STATES = ['open', 'ordered', 'rectified', 'verified', 'signed_off'];

/**
 * Issue 15 §1, the hazard register (隐患台账): hazards from every source, their timeline (who, when,
 * where), photos of findings and rectification evidence, the measures against slow enterprises
 * (函告、通报、约谈、曝光), and the HAZARD_OVERDUE alert type.
 */
export class Hazards1796500000000 implements MigrationInterface {
  name = 'Hazards1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE hazards (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
      region_code varchar(12) NOT NULL REFERENCES regions(code),
      region_path text NOT NULL,
      machine_id uuid REFERENCES machines(id) ON DELETE SET NULL,
      welder_id uuid REFERENCES welders(id) ON DELETE SET NULL,
      permit_id uuid REFERENCES permits(id) ON DELETE SET NULL,
      category varchar(40) NOT NULL CHECK (category IN (${list(CATEGORIES)})),
      level varchar(16) NOT NULL CHECK (level IN ('general','major')),
      description varchar(2000) NOT NULL,
      legal_basis varchar(500),
      latitude numeric(9,6) CHECK (latitude BETWEEN -90 AND 90),
      longitude numeric(9,6) CHECK (longitude BETWEEN -180 AND 180),
      source varchar(20) NOT NULL CHECK (source IN ('self_inspection','inspection','public_report','platform_alert')),
      source_alert_id uuid REFERENCES alerts(id) ON DELETE SET NULL,
      source_report_id uuid REFERENCES reports(id) ON DELETE SET NULL,
      state varchar(16) NOT NULL CHECK (state IN (${list(STATES)})),
      deadline timestamptz,
      handler_ids uuid[] NOT NULL DEFAULT '{}',
      verified_by uuid REFERENCES users(id),
      signed_off_by uuid REFERENCES users(id),
      signed_off_at timestamptz,
      overdue_alerted_for timestamptz,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (state NOT IN ('ordered','rectified','verified') OR deadline IS NOT NULL),
      CHECK ((state = 'signed_off') = (signed_off_by IS NOT NULL)),
      CHECK (signed_off_by IS NULL OR NOT (signed_off_by = ANY(handler_ids))))`);
    // One hazard per alert and per report: promoting twice is refused.
    await q.query(
      `CREATE UNIQUE INDEX hazards_source_alert_uq ON hazards (source_alert_id) WHERE source_alert_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX hazards_source_report_uq ON hazards (source_report_id) WHERE source_report_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX hazards_region_created_idx ON hazards (region_path text_pattern_ops, created_at DESC)`);
    await q.query(`CREATE INDEX hazards_enterprise_idx ON hazards (enterprise_id, created_at DESC)`);
    await q.query(`CREATE INDEX hazards_overdue_idx ON hazards (deadline) WHERE state = 'ordered'`);

    await q.query(`CREATE TABLE hazard_events (
      id bigserial PRIMARY KEY,
      hazard_id uuid NOT NULL REFERENCES hazards(id) ON DELETE CASCADE,
      step varchar(16) NOT NULL CHECK (step IN ('created','ordered','rectified','verified','returned','signed_off')),
      from_state varchar(16) CHECK (from_state IN (${list(STATES)})),
      to_state varchar(16) NOT NULL CHECK (to_state IN (${list(STATES)})),
      note varchar(2000),
      deadline timestamptz,
      on_site boolean,
      actor_user_id uuid REFERENCES users(id),
      actor_name varchar(100) NOT NULL,
      actor_role varchar(32) NOT NULL,
      latitude numeric(9,6) CHECK (latitude BETWEEN -90 AND 90),
      longitude numeric(9,6) CHECK (longitude BETWEEN -180 AND 180),
      occurred_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX hazard_events_hazard_idx ON hazard_events (hazard_id, id)`);

    await q.query(`CREATE TABLE hazard_photos (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      hazard_id uuid NOT NULL REFERENCES hazards(id) ON DELETE CASCADE,
      event_id bigint NOT NULL REFERENCES hazard_events(id) ON DELETE CASCADE,
      position smallint NOT NULL CHECK (position BETWEEN 1 AND 3),
      content_type varchar(16) NOT NULL CHECK (content_type IN ('image/jpeg','image/png')),
      size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
      sha256 char(64) NOT NULL,
      data bytea NOT NULL,
      UNIQUE (event_id, position))`);
    await q.query(`CREATE INDEX hazard_photos_hazard_idx ON hazard_photos (hazard_id)`);

    await q.query(`CREATE TABLE hazard_measures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
      region_path text NOT NULL,
      hazard_id uuid REFERENCES hazards(id) ON DELETE SET NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('letter','circular','interview','exposure')),
      note varchar(2000) NOT NULL,
      issued_by uuid REFERENCES users(id),
      issued_by_name varchar(100) NOT NULL,
      issued_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX hazard_measures_enterprise_idx ON hazard_measures (enterprise_id, issued_at DESC)`);

    const before = await allowedTypes(q);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...before, ...NEW_ALERT_TYPES.filter((t) => !before.includes(t))])}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = ANY($1::text[])`, [NEW_ALERT_TYPES]);
    const before = (await allowedTypes(q)).filter((t) => !NEW_ALERT_TYPES.includes(t));
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(before)}`,
    );
    for (const t of ['hazard_measures', 'hazard_photos', 'hazard_events', 'hazards'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
