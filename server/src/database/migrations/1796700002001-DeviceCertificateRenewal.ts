import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device certificate renewal over MQTT (issue 17 §1, docs/protocol.md §3.4): a renewed certificate
 * records the cert.renew request it answers (so a retried request gets the same certificate, on any
 * replica) and the serial it supersedes; a superseded certificate records when, and is revoked (put
 * on the CRL) once DEVICE_CERT_SUPERSEDED_GRACE_S has passed.
 */
export class DeviceCertificateRenewal1796700002001 implements MigrationInterface {
  name = 'DeviceCertificateRenewal1796700002001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE device_certificates
        ADD COLUMN renewal_request_id varchar(64),
        ADD COLUMN renews_serial varchar(64) REFERENCES device_certificates(serial),
        ADD COLUMN superseded_at timestamptz`);
    await q.query(
      `CREATE UNIQUE INDEX device_certificates_renewal_request ON device_certificates (chip_id, renewal_request_id)
        WHERE renewal_request_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX device_certificates_superseded ON device_certificates (superseded_at)
        WHERE superseded_at IS NOT NULL AND revoked_at IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS device_certificates_superseded`);
    await q.query(`DROP INDEX IF EXISTS device_certificates_renewal_request`);
    await q.query(`
      ALTER TABLE device_certificates
        DROP COLUMN IF EXISTS superseded_at,
        DROP COLUMN IF EXISTS renews_serial,
        DROP COLUMN IF EXISTS renewal_request_id`);
  }
}
