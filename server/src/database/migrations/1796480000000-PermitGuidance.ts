import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_ALERT_TYPES = ['PERMIT_GAS_FAILED'];

/** The alert types the current CHECK constraint allows, read from the database (independent of migration order). */
async function allowedTypes(q: QueryRunner): Promise<string[]> {
  const rows: { def: string }[] = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'alerts_type_check' AND conrelid = 'alerts'::regclass`,
  );
  return [...new Set([...(rows[0]?.def ?? '').matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]))];
}
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;

/** Same channel and function as 1763900900000-RevocationTriggers. */
const permitsTrigger = (when: string, events: string) =>
  `CREATE TRIGGER permits_revocation AFTER ${events} ON permits FOR EACH ROW
     WHEN (${when}) EXECUTE FUNCTION arcgate_notify_revocation('permit', 'id')`;
const OLD_WHEN = `(NEW.status IS DISTINCT FROM OLD.status AND (OLD.status = 'approved' OR NEW.status IN ('cancelled','closed'))) OR NEW.planned_end < OLD.planned_end`;
const NEW_WHEN = `${OLD_WHEN} OR (NEW.suspended_at IS NOT NULL AND OLD.suspended_at IS NULL)`;

/**
 * Issue 14 §4:
 * - permit numbers (动火安全作业票编号), one sequence per enterprise and (China) year, taken with a
 *   row-locking upsert so that concurrent drafts never share a number; existing permits are numbered
 *   in creation order;
 * - suspension: a failing gas analysis on an approved permit stamps suspended_at; the revocation
 *   trigger announces it so that live grants end at once; PERMIT_GAS_FAILED alerts.
 */
export class PermitGuidance1796480000000 implements MigrationInterface {
  name = 'PermitGuidance1796480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE permit_number_counters (
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        year int NOT NULL,
        last_seq int NOT NULL,
        PRIMARY KEY (enterprise_id, year)
      )`);
    await q.query(`ALTER TABLE permits ADD COLUMN permit_no varchar(32),
      ADD COLUMN suspended_at timestamptz, ADD COLUMN suspended_analysis_id uuid REFERENCES permit_gas_analyses(id)`);
    await q.query(`
      WITH numbered AS (
        SELECT id, enterprise_id, extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
               row_number() OVER (PARTITION BY enterprise_id, extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai') ORDER BY created_at, id) AS seq
          FROM permits)
      UPDATE permits p SET permit_no = 'DH-' || n.year || '-' || lpad(n.seq::text, 4, '0')
        FROM numbered n WHERE n.id = p.id`);
    await q.query(`
      INSERT INTO permit_number_counters (enterprise_id, year, last_seq)
      SELECT enterprise_id, split_part(permit_no, '-', 2)::int, max(split_part(permit_no, '-', 3)::int)
        FROM permits GROUP BY enterprise_id, split_part(permit_no, '-', 2)`);
    await q.query(`ALTER TABLE permits ALTER COLUMN permit_no SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX permits_enterprise_permit_no ON permits (enterprise_id, permit_no)`);

    await q.query(`DROP TRIGGER permits_revocation ON permits`);
    await q.query(permitsTrigger(NEW_WHEN, 'UPDATE OF status, planned_end, suspended_at'));

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
    await q.query(`DROP TRIGGER permits_revocation ON permits`);
    await q.query(permitsTrigger(OLD_WHEN, 'UPDATE OF status, planned_end'));
    await q.query(`DROP INDEX permits_enterprise_permit_no`);
    await q.query(
      `ALTER TABLE permits DROP COLUMN permit_no, DROP COLUMN suspended_at, DROP COLUMN suspended_analysis_id`,
    );
    await q.query(`DROP TABLE permit_number_counters`);
  }
}
