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
  'RELAY_FAULT',
  'DEVICE_OFFLINE_ARMED',
  'DEVICE_ONSITE_CHECK',
  'BOARD_LINK_LOST',
  'DEVICE_JOURNAL_FAILED',
  'AGENT_CRASHED',
];
const NEW_ALERT_TYPES = ['DEVICE_CLOCK_SKEW'];
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/** A bound device refused at CONNECT because its clock is off raises DEVICE_CLOCK_SKEW instead of only a log line. */
export class ClockSkew1796443200000 implements MigrationInterface {
  name = 'ClockSkew1796443200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...ALERT_TYPES_BEFORE, ...NEW_ALERT_TYPES])}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = ANY($1::text[])`, [NEW_ALERT_TYPES]);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(ALERT_TYPES_BEFORE)}`,
    );
  }
}
