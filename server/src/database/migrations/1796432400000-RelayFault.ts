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
  'OVER_CURRENT',
];
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/** RELAY_FAULT: a device's relay auxiliary contact disagreed with the command (welded or stuck contacts). */
export class RelayFault1796432400000 implements MigrationInterface {
  name = 'RelayFault1796432400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...ALERT_TYPES_BEFORE, 'RELAY_FAULT'])}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = 'RELAY_FAULT'`);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(ALERT_TYPES_BEFORE)}`,
    );
  }
}
