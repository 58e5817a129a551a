import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device certificates (issue 17 §1): every X.509 certificate the device CA issued to a chip, and when
 * it was revoked. A chip leaving its machine (unbind, replacement, retirement, deletion: any change of
 * machines.chip_id) revokes its certificates in the same transaction, from a trigger, so no writer of
 * machines.chip_id can forget it; the CRL is rebuilt from this table.
 */
export class DeviceCertificates1796680000000 implements MigrationInterface {
  name = 'DeviceCertificates1796680000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_certificates (
        serial varchar(64) PRIMARY KEY,
        chip_id varchar(64) NOT NULL REFERENCES chips(chip_id),
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        pem text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX device_certificates_chip ON device_certificates (chip_id, issued_at DESC)`);
    await q.query(
      `CREATE INDEX device_certificates_revoked ON device_certificates (not_after) WHERE revoked_at IS NOT NULL`,
    );
    await q.query(`
      CREATE FUNCTION arcgate_revoke_chip_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE device_certificates SET revoked_at = now() WHERE chip_id = OLD.chip_id AND revoked_at IS NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER machines_chip_certificates_revoke AFTER UPDATE OF chip_id ON machines
      FOR EACH ROW WHEN (OLD.chip_id IS NOT NULL AND NEW.chip_id IS DISTINCT FROM OLD.chip_id)
      EXECUTE FUNCTION arcgate_revoke_chip_certificates()`);
    await q.query(`
      CREATE TRIGGER machines_chip_certificates_revoke_delete AFTER DELETE ON machines
      FOR EACH ROW WHEN (OLD.chip_id IS NOT NULL)
      EXECUTE FUNCTION arcgate_revoke_chip_certificates()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS machines_chip_certificates_revoke_delete ON machines`);
    await q.query(`DROP TRIGGER IF EXISTS machines_chip_certificates_revoke ON machines`);
    await q.query(`DROP FUNCTION IF EXISTS arcgate_revoke_chip_certificates()`);
    await q.query(`DROP TABLE IF EXISTS device_certificates`);
  }
}
