import { MigrationInterface, QueryRunner } from 'typeorm';

/** Must equal REVOCATION_CHANNEL in authorization/revocation-listener.ts. */
const CHANNEL = 'arcgate_revocations';

/**
 * Immediate revocation without coupling the registry modules to the authorization engine: a change
 * that can end a live grant announces itself with NOTIFY from a row trigger. PostgreSQL delivers a
 * NOTIFY only when its transaction commits (and drops it on rollback), to every listening replica;
 * identical notifications of one transaction are folded into one. The payload names what changed,
 * `{"kind": ..., "id": ...}`; the listener re-checks the grants that thing concerns.
 *
 * Each trigger fires only when a relevant column really changes (WHEN clause), so ordinary edits
 * cost nothing. The 4 s revocation sweep stays as the safety net for notifications missed while a
 * replica was disconnected, and for causes that are a matter of time (a permit or certificate
 * running out).
 *
 * kinds: permit (id), machine (id), welder (id: its code or certificate changed), enterprise (id),
 * region (region path: a blackout).
 */
const TRIGGERS: { name: string; table: string; events: string; when: string; kind: string; column: string }[] = [
  {
    // Leaving `approved` covers cancelled and closed; an earlier planned end can end the window now.
    name: 'permits_revocation',
    table: 'permits',
    events: 'UPDATE OF status, planned_end',
    kind: 'permit',
    column: 'id',
    when: `(NEW.status IS DISTINCT FROM OLD.status AND (OLD.status = 'approved' OR NEW.status IN ('cancelled','closed'))) OR NEW.planned_end < OLD.planned_end`,
  },
  {
    name: 'machines_revocation',
    table: 'machines',
    events: 'UPDATE OF status, chip_id',
    kind: 'machine',
    column: 'id',
    when: `(NEW.status IS DISTINCT FROM OLD.status AND NEW.status <> 'active') OR NEW.chip_id IS DISTINCT FROM OLD.chip_id`,
  },
  {
    // Grants record the welder code they were obtained with; machine codes do not gate a grant.
    name: 'identity_codes_revocation',
    table: 'identity_codes',
    events: 'UPDATE OF status',
    kind: 'welder',
    column: 'subject_id',
    when: `NEW.status = 'revoked' AND OLD.status IS DISTINCT FROM 'revoked' AND NEW.subject_type = 'welder'`,
  },
  {
    name: 'certificates_revocation',
    table: 'certificates',
    events: 'UPDATE OF status, expires_on, review_due_on',
    kind: 'welder',
    column: 'welder_id',
    when: `(NEW.status IN ('suspended','revoked') AND NEW.status IS DISTINCT FROM OLD.status) OR NEW.expires_on < OLD.expires_on OR NEW.review_due_on < OLD.review_due_on`,
  },
  {
    name: 'enterprises_revocation',
    table: 'enterprises',
    events: 'UPDATE OF status',
    kind: 'enterprise',
    column: 'id',
    when: `NEW.status <> 'active' AND NEW.status IS DISTINCT FROM OLD.status`,
  },
  {
    name: 'blackouts_revocation',
    table: 'blackouts',
    events: 'INSERT',
    kind: 'region',
    column: 'region_path',
    when: `NEW.cancelled_at IS NULL`,
  },
];

export class RevocationTriggers1763900900000 implements MigrationInterface {
  name = 'RevocationTriggers1763900900000';

  async up(q: QueryRunner): Promise<void> {
    // Generic over the table: TG_ARGV = (kind, name of the column holding the id).
    await q.query(`CREATE FUNCTION arcgate_notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CHANNEL}', json_build_object('kind', TG_ARGV[0], 'id', to_jsonb(NEW) ->> TG_ARGV[1])::text);
        RETURN NULL;
      END $$`);
    for (const t of TRIGGERS) {
      await q.query(`CREATE TRIGGER ${t.name} AFTER ${t.events} ON ${t.table} FOR EACH ROW
        WHEN (${t.when}) EXECUTE FUNCTION arcgate_notify_revocation('${t.kind}', '${t.column}')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TRIGGERS) await q.query(`DROP TRIGGER IF EXISTS ${t.name} ON ${t.table}`);
    await q.query(`DROP FUNCTION IF EXISTS arcgate_notify_revocation()`);
  }
}
