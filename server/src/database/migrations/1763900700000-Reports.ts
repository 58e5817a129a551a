import { MigrationInterface, QueryRunner } from 'typeorm';

export class Reports1763900700000 implements MigrationInterface {
  name = 'Reports1763900700000';

  async up(q: QueryRunner): Promise<void> {
    // 一键举报. Nothing identifies the reporter except an optional, encrypted contact; no address or device is kept.
    await q.query(`CREATE TABLE reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tracking_code char(10) NOT NULL UNIQUE,
      status varchar(16) NOT NULL DEFAULT 'received' CHECK (status IN ('received','verifying','verified','rejected','closed')),
      reward_eligible boolean NOT NULL DEFAULT false,
      description varchar(2000) NOT NULL,
      machine_code varchar(32),
      machine_code_state varchar(16) CHECK (machine_code_state IN ('valid','forged','unknown','revoked')),
      machine_id uuid REFERENCES machines(id) ON DELETE SET NULL,
      enterprise_id uuid REFERENCES enterprises(id) ON DELETE SET NULL,
      region_code varchar(12) REFERENCES regions(code),
      region_path text,
      latitude numeric(9,6) CHECK (latitude BETWEEN -90 AND 90),
      longitude numeric(9,6) CHECK (longitude BETWEEN -180 AND 180),
      address varchar(300),
      reporter_contact_enc text,
      reporter_contact_masked varchar(11),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      closed_at timestamptz,
      CHECK ((latitude IS NULL) = (longitude IS NULL)),
      CHECK ((machine_code IS NULL) = (machine_code_state IS NULL)),
      CHECK ((reporter_contact_enc IS NULL) = (reporter_contact_masked IS NULL)),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL)))`);
    await q.query(`CREATE INDEX reports_region_path_idx ON reports (region_path text_pattern_ops)`);
    await q.query(`CREATE INDEX reports_status_created_idx ON reports (status, created_at DESC)`);

    await q.query(`CREATE TABLE report_photos (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      position smallint NOT NULL CHECK (position BETWEEN 1 AND 3),
      content_type varchar(16) NOT NULL CHECK (content_type IN ('image/jpeg','image/png')),
      size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
      sha256 char(64) NOT NULL,
      data bytea NOT NULL,
      UNIQUE (report_id, position))`);

    // The handling trail (闭环处置): every status change with who, when and the note.
    await q.query(`CREATE TABLE report_events (
      id bigserial PRIMARY KEY,
      report_id uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      from_status varchar(16),
      to_status varchar(16) NOT NULL,
      note varchar(1000),
      actor_user_id uuid,
      actor_name varchar(100) NOT NULL,
      occurred_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX report_events_report_idx ON report_events (report_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report_events`);
    await q.query(`DROP TABLE IF EXISTS report_photos`);
    await q.query(`DROP TABLE IF EXISTS reports`);
  }
}
