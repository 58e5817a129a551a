import { MigrationInterface, QueryRunner } from 'typeorm';

const LEVELS = `('special','level1','level2')`;
const POSITIONS = `('unit_head','safety_department','principal')`;

/** Hot-work permits (GB 30871-2022), their approval trail, gas analyses and photos; signing positions; machine loans. */
export class Permits1763900300000 implements MigrationInterface {
  name = 'Permits1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE user_positions (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      position varchar(32) NOT NULL CHECK (position IN ${POSITIONS}),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id),
      assigned_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, position))`);
    await q.query(`CREATE INDEX user_positions_enterprise_idx ON user_positions (enterprise_id, position)`);

    await q.query(`CREATE TABLE enterprise_permit_settings (
      enterprise_id uuid PRIMARY KEY REFERENCES enterprises(id),
      holidays jsonb NOT NULL DEFAULT '[]',
      night_start varchar(5),
      night_end varchar(5),
      upgrade_on_holidays boolean NOT NULL DEFAULT true,
      upgrade_at_night boolean NOT NULL DEFAULT true,
      approval_chains jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((night_start IS NULL) = (night_end IS NULL)))`);

    await q.query(`CREATE TABLE machine_loans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      machine_id uuid NOT NULL REFERENCES machines(id),
      lender_enterprise_id uuid NOT NULL REFERENCES enterprises(id),
      borrower_enterprise_id uuid NOT NULL REFERENCES enterprises(id),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      note varchar(500),
      created_by uuid REFERENCES users(id),
      revoked_at timestamptz,
      revoked_reason varchar(500),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at),
      CHECK (lender_enterprise_id <> borrower_enterprise_id))`);
    await q.query(`CREATE INDEX machine_loans_machine_idx ON machine_loans (machine_id)`);
    await q.query(`CREATE INDEX machine_loans_borrower_idx ON machine_loans (borrower_enterprise_id)`);

    await q.query(`CREATE TABLE permits (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id),
      status varchar(16) NOT NULL CHECK (status IN ('draft','submitted','approved','rejected','cancelled','closed')),
      requested_level varchar(16) NOT NULL CHECK (requested_level IN ${LEVELS}),
      effective_level varchar(16) NOT NULL CHECK (effective_level IN ${LEVELS}),
      level_upgrade_reasons jsonb NOT NULL DEFAULT '[]',
      work_description varchar(1000) NOT NULL,
      site_address varchar(300) NOT NULL,
      site_latitude numeric(9,6) NOT NULL,
      site_longitude numeric(9,6) NOT NULL,
      geofence jsonb NOT NULL,
      planned_start timestamptz NOT NULL,
      planned_end timestamptz NOT NULL,
      fire_watcher_name varchar(50),
      fire_watcher_phone_enc text,
      fire_watcher_phone_masked varchar(11),
      checklist jsonb NOT NULL DEFAULT '{}',
      applicant_user_id uuid NOT NULL REFERENCES users(id),
      applicant_username varchar(64) NOT NULL,
      approval_chain jsonb,
      approval_round int NOT NULL DEFAULT 0,
      current_step int NOT NULL DEFAULT 0,
      submitted_at timestamptz,
      approved_at timestamptz,
      rejection_reason varchar(500),
      cancelled_at timestamptz,
      cancel_reason varchar(500),
      closed_at timestamptz,
      work_stopped_at timestamptz,
      fire_watch_ended_at timestamptz,
      first_arc_at timestamptz,
      last_arc_started_at timestamptz,
      last_arc_ended_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (planned_end > planned_start),
      CHECK (fire_watch_ended_at IS NULL OR fire_watch_ended_at >= work_stopped_at + interval '30 minutes'))`);
    await q.query(`CREATE INDEX permits_enterprise_status_idx ON permits (enterprise_id, status)`);
    await q.query(`CREATE INDEX permits_window_idx ON permits (planned_start, planned_end)`);

    await q.query(`CREATE TABLE permit_welders (
      permit_id uuid NOT NULL REFERENCES permits(id) ON DELETE CASCADE,
      welder_id uuid NOT NULL REFERENCES welders(id),
      PRIMARY KEY (permit_id, welder_id))`);
    await q.query(`CREATE INDEX permit_welders_welder_idx ON permit_welders (welder_id)`);
    await q.query(`CREATE TABLE permit_machines (
      permit_id uuid NOT NULL REFERENCES permits(id) ON DELETE CASCADE,
      machine_id uuid NOT NULL REFERENCES machines(id),
      PRIMARY KEY (permit_id, machine_id))`);
    await q.query(`CREATE INDEX permit_machines_machine_idx ON permit_machines (machine_id)`);

    await q.query(`CREATE TABLE permit_extensions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      permit_id uuid NOT NULL REFERENCES permits(id) ON DELETE CASCADE,
      previous_end timestamptz NOT NULL,
      requested_end timestamptz NOT NULL,
      reason varchar(500) NOT NULL,
      status varchar(16) NOT NULL CHECK (status IN ('pending','approved','rejected','cancelled')),
      current_step int NOT NULL DEFAULT 0,
      requested_by uuid NOT NULL REFERENCES users(id),
      requested_at timestamptz NOT NULL,
      decided_at timestamptz,
      rejection_reason varchar(500),
      CHECK (requested_end > previous_end))`);
    await q.query(
      `CREATE UNIQUE INDEX permit_extensions_one_pending ON permit_extensions (permit_id) WHERE status = 'pending'`,
    );

    await q.query(`CREATE TABLE permit_trail (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL,
      permit_id uuid NOT NULL REFERENCES permits(id) ON DELETE CASCADE,
      extension_id uuid REFERENCES permit_extensions(id),
      action varchar(32) NOT NULL,
      round int NOT NULL,
      step int,
      position varchar(32) CHECK (position IS NULL OR position IN ${POSITIONS}),
      actor_user_id uuid REFERENCES users(id),
      actor_username varchar(64) NOT NULL,
      remark varchar(500),
      occurred_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX permit_trail_permit_idx ON permit_trail (permit_id, seq)`);

    await q.query(`CREATE TABLE permit_gas_analyses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      permit_id uuid NOT NULL REFERENCES permits(id) ON DELETE CASCADE,
      taken_at timestamptz NOT NULL,
      gas varchar(50) NOT NULL,
      lel_class varchar(4) NOT NULL CHECK (lel_class IN ('ge4','lt4')),
      lel_percent numeric(5,2),
      reading_percent_vol numeric(8,4) NOT NULL CHECK (reading_percent_vol >= 0 AND reading_percent_vol <= 100),
      passed boolean NOT NULL,
      analyst varchar(50) NOT NULL,
      recorded_by uuid REFERENCES users(id),
      recorded_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX permit_gas_analyses_permit_idx ON permit_gas_analyses (permit_id, taken_at)`);

    await q.query(`CREATE TABLE permit_attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      permit_id uuid NOT NULL REFERENCES permits(id) ON DELETE CASCADE,
      file_name varchar(200) NOT NULL,
      content_type varchar(32) NOT NULL CHECK (content_type IN ('image/jpeg','image/png')),
      size_bytes int NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
      sha256 char(64) NOT NULL,
      data bytea NOT NULL,
      uploaded_by uuid REFERENCES users(id),
      uploaded_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX permit_attachments_permit_idx ON permit_attachments (permit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'permit_attachments',
      'permit_gas_analyses',
      'permit_trail',
      'permit_extensions',
      'permit_machines',
      'permit_welders',
      'permits',
      'machine_loans',
      'enterprise_permit_settings',
      'user_positions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
  }
}
