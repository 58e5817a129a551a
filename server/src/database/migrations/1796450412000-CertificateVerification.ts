import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Certificates carry a verification state; only verified ones let a welder work (issue 12). A photo of
 * the certificate can be attached for the regulator who checks it.
 * Existing rows: those the demo seeder wrote (it writes certificates without an audit entry, every
 * user path audits) become verified with source 'seed'. Every row a user created, imported or
 * reviewed was never checked against its issuer, and the import hole may already be among them, so
 * those start unverified and wait in the regulator's queue: failing closed here costs a verification,
 * failing open could leave a forged licence unlocking machines.
 */
const OLD_TRIGGER = `CREATE TRIGGER certificates_revocation AFTER UPDATE OF status, expires_on, review_due_on ON certificates FOR EACH ROW
  WHEN ((NEW.status IN ('suspended','revoked') AND NEW.status IS DISTINCT FROM OLD.status) OR NEW.expires_on < OLD.expires_on OR NEW.review_due_on < OLD.review_due_on)
  EXECUTE FUNCTION arcgate_notify_revocation('welder', 'welder_id')`;
/** As before, and a regulator's rejection of a verified record stops the grants obtained on it at once. */
const NEW_TRIGGER = `CREATE TRIGGER certificates_revocation AFTER UPDATE OF status, expires_on, review_due_on, verification ON certificates FOR EACH ROW
  WHEN ((NEW.status IN ('suspended','revoked') AND NEW.status IS DISTINCT FROM OLD.status) OR NEW.expires_on < OLD.expires_on OR NEW.review_due_on < OLD.review_due_on
    OR (NEW.verification = 'rejected' AND OLD.verification IS DISTINCT FROM 'rejected'))
  EXECUTE FUNCTION arcgate_notify_revocation('welder', 'welder_id')`;

export class CertificateVerification1796450412000 implements MigrationInterface {
  name = 'CertificateVerification1796450412000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE certificates
      ADD COLUMN verification varchar(16) NOT NULL DEFAULT 'unverified' CHECK (verification IN ('unverified','verified','rejected')),
      ADD COLUMN verification_source varchar(20) CHECK (verification_source IN ('regulator','official_source','seed')),
      ADD COLUMN verified_by uuid REFERENCES users(id) ON DELETE SET NULL,
      ADD COLUMN verified_at timestamptz,
      ADD COLUMN verification_note varchar(500),
      ADD CONSTRAINT certificates_verification_complete CHECK (verification = 'unverified' OR (verification_source IS NOT NULL AND verified_at IS NOT NULL))`);
    await q.query(`UPDATE certificates c SET verification = 'verified', verification_source = 'seed', verified_at = now()
      WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_type = 'certificate' AND a.entity_id = c.id::text
        AND a.action IN ('certificate.create', 'certificate.import.create', 'certificate.import.update', 'certificate.review'))`);
    // The regulator's queue lists unverified rows; most rows are verified, so a partial index stays small.
    await q.query(
      `CREATE INDEX certificates_unverified_idx ON certificates (created_at) WHERE verification = 'unverified'`,
    );
    await q.query(`DROP TRIGGER IF EXISTS certificates_revocation ON certificates`);
    await q.query(NEW_TRIGGER);
    // The certificate's own photo, for the regulator to check the record against.
    await q.query(`CREATE TABLE certificate_photos (
      certificate_id uuid PRIMARY KEY REFERENCES certificates(id) ON DELETE CASCADE,
      content_type varchar(32) NOT NULL CHECK (content_type IN ('image/jpeg','image/png')),
      size_bytes int NOT NULL CHECK (size_bytes > 0),
      sha256 char(64) NOT NULL,
      data bytea NOT NULL,
      uploaded_by uuid REFERENCES users(id) ON DELETE SET NULL,
      uploaded_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS certificate_photos`);
    await q.query(`DROP TRIGGER IF EXISTS certificates_revocation ON certificates`);
    await q.query(OLD_TRIGGER);
    await q.query(`DROP INDEX IF EXISTS certificates_unverified_idx`);
    await q.query(`ALTER TABLE certificates DROP CONSTRAINT IF EXISTS certificates_verification_complete,
      DROP COLUMN verification_note, DROP COLUMN verified_at, DROP COLUMN verified_by, DROP COLUMN verification_source, DROP COLUMN verification`);
  }
}
