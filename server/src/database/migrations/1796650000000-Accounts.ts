import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16 §1, the account life cycle: enterprise self-registration (企业注册), reviewed by the township,
 * and welder self-activation with a one-time code sent by SMS.
 * - enterprise_applications: one pending application per credit code and per admin user name; the licence
 *   photo stays in PostgreSQL like report photos; phones encrypted (FieldCipher) beside their masked form;
 *   the applicant's chosen password only as its hash, cleared once the application is decided.
 * - welder_activations: the code only as its hash, with expiry, attempts and the send time (resend cool-down).
 */
export class Accounts1796650000000 implements MigrationInterface {
  name = 'Accounts1796650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE enterprise_applications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tracking_code char(10) NOT NULL UNIQUE,
      status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
      uscc char(18) NOT NULL,
      name varchar(200) NOT NULL,
      industry varchar(100) NOT NULL,
      region_code varchar(12) NOT NULL REFERENCES regions(code),
      region_path text NOT NULL,
      address varchar(300) NOT NULL,
      legal_representative varchar(50) NOT NULL,
      principal_name varchar(50) NOT NULL,
      principal_phone_enc text NOT NULL,
      principal_phone_masked varchar(11) NOT NULL,
      safety_manager_name varchar(50) NOT NULL,
      safety_manager_phone_enc text NOT NULL,
      safety_manager_phone_masked varchar(11) NOT NULL,
      admin_username varchar(64) NOT NULL,
      admin_display_name varchar(100) NOT NULL,
      admin_password_hash varchar(100),
      licence_content_type varchar(16) NOT NULL,
      licence_size_bytes int NOT NULL,
      licence_sha256 char(64) NOT NULL,
      licence_data bytea NOT NULL,
      submitted_at timestamptz NOT NULL,
      decided_at timestamptz,
      decided_by uuid,
      reject_reason varchar(500),
      enterprise_id uuid,
      CHECK ((status = 'pending') = (admin_password_hash IS NOT NULL)),
      CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
      CHECK ((status = 'approved') = (enterprise_id IS NOT NULL)))`);
    await q.query(
      `CREATE UNIQUE INDEX enterprise_applications_one_pending_uscc ON enterprise_applications (uscc) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX enterprise_applications_one_pending_username ON enterprise_applications (admin_username) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX enterprise_applications_review ON enterprise_applications (status, region_path text_pattern_ops)`,
    );

    await q.query(`CREATE TABLE welder_activations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      welder_id uuid NOT NULL REFERENCES welders(id),
      code_hash char(64) NOT NULL,
      sent_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts smallint NOT NULL DEFAULT 0,
      consumed_at timestamptz)`);
    await q.query(`CREATE INDEX welder_activations_by_welder ON welder_activations (welder_id, sent_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE welder_activations`);
    await q.query(`DROP TABLE enterprise_applications`);
  }
}
