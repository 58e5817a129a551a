import { MigrationInterface, QueryRunner } from 'typeorm';

/** As in 1796450412000-CertificateVerification. */
const REJECTED_ONLY = `CREATE TRIGGER certificates_revocation AFTER UPDATE OF status, expires_on, review_due_on, verification ON certificates FOR EACH ROW
  WHEN ((NEW.status IN ('suspended','revoked') AND NEW.status IS DISTINCT FROM OLD.status) OR NEW.expires_on < OLD.expires_on OR NEW.review_due_on < OLD.review_due_on
    OR (NEW.verification = 'rejected' AND OLD.verification IS DISTINCT FROM 'rejected'))
  EXECUTE FUNCTION arcgate_notify_revocation('welder', 'welder_id')`;

/**
 * A verified record that leaves 'verified' for any reason ends the grants obtained on it at once. Before,
 * only a regulator's rejection did; an employer's edit (which sends the record back to 'unverified') was
 * left to the 4 s sweep, so a machine kept its arc up to 4 s on a record nobody vouches for any more.
 */
const LEAVING_VERIFIED = `CREATE TRIGGER certificates_revocation AFTER UPDATE OF status, expires_on, review_due_on, verification ON certificates FOR EACH ROW
  WHEN ((NEW.status IN ('suspended','revoked') AND NEW.status IS DISTINCT FROM OLD.status) OR NEW.expires_on < OLD.expires_on OR NEW.review_due_on < OLD.review_due_on
    OR (NEW.verification = 'rejected' AND OLD.verification IS DISTINCT FROM 'rejected')
    OR (OLD.verification = 'verified' AND NEW.verification IS DISTINCT FROM 'verified'))
  EXECUTE FUNCTION arcgate_notify_revocation('welder', 'welder_id')`;

export class CertificateUnverifiedRevocation1796900000000 implements MigrationInterface {
  name = 'CertificateUnverifiedRevocation1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS certificates_revocation ON certificates`);
    await q.query(LEAVING_VERIFIED);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS certificates_revocation ON certificates`);
    await q.query(REJECTED_ONLY);
  }
}
