import { MigrationInterface, QueryRunner } from 'typeorm';

const ALERT_TYPES_BEFORE = [
  'ARC_WITHOUT_GRANT',
  'UNREGISTERED_DEVICE',
  'UNLICENSED_ATTEMPT',
  'REPEATED_DENIALS',
  'REMOTE_START_FAR_AWAY',
  'MACHINE_OVERUSE_24H',
  'ARC_OUTSIDE_GEOFENCE',
  'ARC_AFTER_PERMIT_END',
  'DEVICE_OFFLINE_DURING_PERMIT',
  'GAS_ABOVE_LIMIT',
  'CERTIFICATE_EXPIRING',
  'CERTIFICATE_EXPIRED',
  'ACTIVITY_AT_INACTIVE_ENTERPRISE',
  'TAMPER',
  'FORGED_MESSAGE',
];
const ALERT_TYPES_AFTER = [...ALERT_TYPES_BEFORE, 'OVER_CURRENT'];
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/**
 * The machine's rated current (nameplate) becomes a grant term: the device cuts an arc that runs
 * past it (maxCurrentA), and the platform alerts on it. The grant keeps the limit it was issued
 * with, so a repeated answer carries the same terms.
 */
export class RatedCurrent1796428800000 implements MigrationInterface {
  name = 'RatedCurrent1796428800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE machines ADD COLUMN rated_current_a integer
      CONSTRAINT machines_rated_current_a_check CHECK (rated_current_a IS NULL OR (rated_current_a BETWEEN 1 AND 2000 AND kind <> 'gas'))`);
    await q.query(
      `ALTER TABLE grants ADD COLUMN max_current_a integer CONSTRAINT grants_max_current_a_check CHECK (max_current_a BETWEEN 1 AND 2000)`,
    );
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(ALERT_TYPES_AFTER)}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = 'OVER_CURRENT'`);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(ALERT_TYPES_BEFORE)}`,
    );
    await q.query(`ALTER TABLE grants DROP COLUMN max_current_a`);
    await q.query(`ALTER TABLE machines DROP COLUMN rated_current_a`);
  }
}
