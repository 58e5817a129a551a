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
];
const NEW_ALERT_TYPES = [
  'DEVICE_OFFLINE_ARMED',
  'DEVICE_ONSITE_CHECK',
  'BOARD_LINK_LOST',
  'DEVICE_JOURNAL_FAILED',
  'AGENT_CRASHED',
];
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/**
 * Fail safe when the software fails (issue 18).
 * - arcs: an arc cut off by the agent stopping, crashing or losing its board (`interrupted`) may have
 *   lost its statistics with the process, so they become nullable.
 * - chips: the device state's own time (state_at, device clock) so that a replayed older event
 *   cannot overwrite a newer state; the health faults of its last status; when it went offline while
 *   armed or arcing, and when that was escalated to an on-site check.
 * - alerts: the new types.
 */
export class FailSafe1796439600000 implements MigrationInterface {
  name = 'FailSafe1796439600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE arcs ALTER COLUMN current_stats DROP NOT NULL, ALTER COLUMN voltage_stats DROP NOT NULL,
      ADD COLUMN interrupted text CHECK (interrupted IN ('agent_stopped', 'agent_crashed', 'board_lost')),
      ADD CONSTRAINT arcs_stats_unless_interrupted CHECK (interrupted IS NOT NULL OR (current_stats IS NOT NULL AND voltage_stats IS NOT NULL))`);
    await q.query(`ALTER TABLE chips ADD COLUMN state_at timestamptz, ADD COLUMN faults text[] NOT NULL DEFAULT '{}',
      ADD COLUMN offline_armed_since timestamptz, ADD COLUMN onsite_check_at timestamptz`);
    await q.query(
      `CREATE INDEX chips_offline_armed_idx ON chips (offline_armed_since) WHERE offline_armed_since IS NOT NULL AND onsite_check_at IS NULL`,
    );
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...ALERT_TYPES_BEFORE, ...NEW_ALERT_TYPES])}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = ANY($1::text[])`, [NEW_ALERT_TYPES]);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(ALERT_TYPES_BEFORE)}`,
    );
    await q.query(`DROP INDEX IF EXISTS chips_offline_armed_idx`);
    await q.query(
      `ALTER TABLE chips DROP COLUMN state_at, DROP COLUMN faults, DROP COLUMN offline_armed_since, DROP COLUMN onsite_check_at`,
    );
    await q.query(`DELETE FROM arcs WHERE current_stats IS NULL OR voltage_stats IS NULL`);
    await q.query(`ALTER TABLE arcs DROP CONSTRAINT arcs_stats_unless_interrupted, DROP COLUMN interrupted,
      ALTER COLUMN current_stats SET NOT NULL, ALTER COLUMN voltage_stats SET NOT NULL`);
  }
}
