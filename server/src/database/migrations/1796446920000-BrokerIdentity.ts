import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_ALERT_TYPES = ['DEVICE_IMPERSONATION'];

/** The alert types the current CHECK constraint allows, read from the database so this migration does not depend on which others ran first. */
async function allowedTypes(q: QueryRunner): Promise<string[]> {
  const rows: { def: string }[] = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'alerts_type_check' AND conrelid = 'alerts'::regclass`,
  );
  return [...new Set([...(rows[0]?.def ?? '').matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]))];
}
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/**
 * Device identity at CONNECT: a bound chip asking for another client id raises DEVICE_IMPERSONATION,
 * and every connect token is good for one use (its nonce is remembered until the token expires).
 */
export class BrokerIdentity1796446920000 implements MigrationInterface {
  name = 'BrokerIdentity1796446920000';

  async up(q: QueryRunner): Promise<void> {
    const before = await allowedTypes(q);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...before, ...NEW_ALERT_TYPES.filter((t) => !before.includes(t))])}`,
    );
    await q.query(`
      CREATE TABLE connect_token_uses (
        chip_id text NOT NULL,
        nonce text NOT NULL,
        used_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (chip_id, nonce)
      )`);
    await q.query(`CREATE INDEX connect_token_uses_expires_at ON connect_token_uses (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connect_token_uses`);
    await q.query(`DELETE FROM alerts WHERE type = ANY($1::text[])`, [NEW_ALERT_TYPES]);
    const before = (await allowedTypes(q)).filter((t) => !NEW_ALERT_TYPES.includes(t));
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(before)}`,
    );
  }
}
