import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_ALERT_TYPES = ['DEVICE_FLOOD', 'DEVICE_MESSAGE_REJECTED'];

/** The alert types the current CHECK constraint allows, read from the database so this migration does not depend on which others ran first. */
async function allowedTypes(q: QueryRunner): Promise<string[]> {
  const rows: { def: string }[] = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'alerts_type_check' AND conrelid = 'alerts'::regclass`,
  );
  return [...new Set([...(rows[0]?.def ?? '').matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]))];
}
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/** Device message hardening (issue 12): a rate-limited chip raises DEVICE_FLOOD, a signed but malformed message DEVICE_MESSAGE_REJECTED. */
export class DeviceMessages1796447700000 implements MigrationInterface {
  name = 'DeviceMessages1796447700000';

  async up(q: QueryRunner): Promise<void> {
    const before = await allowedTypes(q);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...before, ...NEW_ALERT_TYPES.filter((t) => !before.includes(t))])}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = ANY($1::text[])`, [NEW_ALERT_TYPES]);
    const before = (await allowedTypes(q)).filter((t) => !NEW_ALERT_TYPES.includes(t));
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(before)}`,
    );
  }
}
