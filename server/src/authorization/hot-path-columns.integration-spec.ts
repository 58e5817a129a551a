import { Client } from 'pg';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { permitContextSql } from '../permits/permit-context';
import * as statements from './authorization.statements';

/*
 * The arm decision's hot-path statements read other modules' tables in one statement each, on
 * purpose (one round trip; BENCHMARKS.md). No compiler sees their column names, so this suite does:
 * PostgreSQL parses and resolves every statement against the migrated schema (PREPARE, as the pool
 * does on first use), and a renamed column of any table they read must make that fail.
 */
const HOT_PATH: Record<string, string> = {
  ...Object.fromEntries(Object.entries(statements).map(([name, s]) => [name, s.text])),
  // PermitEvaluator (POST /api/permits/evaluate) runs the same permit context on its own.
  PERMIT_CONTEXT: `SELECT ${permitContextSql('$1::uuid', '$2::uuid', '$3::uuid', '$4::timestamptz')} AS ctx`,
};

/** A column of each table the statements read, owners of the decision's facts included. */
const RENAMED: [table: string, column: string][] = [
  ['machines', 'enterprise_id'],
  ['machines', 'chip_id'],
  ['enterprises', 'region_path'],
  ['enterprises', 'status'],
  ['welders', 'status'],
  ['certificates', 'review_due_on'],
  ['certificates', 'verification'],
  ['machine_loans', 'borrower_enterprise_id'],
  ['blackouts', 'effect'],
  ['identity_codes', 'subject_id'],
  ['arm_sessions', 'confirm_by'],
  ['grants', 'revoked_at'],
  ['permits', 'planned_end'],
  ['permit_gas_analyses', 'passed'],
  ['device_events', 'payload'],
  ['arm_nonces', 'orphaned_at'],
  ['decisions', 'latency_ms'],
  ['chips', 'chip_id'],
];

describe('hot-path statements against the schema', () => {
  let t: TestApp;
  let c: Client;

  beforeAll(async () => {
    t = await createTestApp({ seed: false });
    c = new Client({ connectionString: t.config.databaseUrl });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await t?.close();
  });

  /** Names of the statements PostgreSQL refuses to prepare, with its reason. */
  async function unpreparable(): Promise<string[]> {
    const failed: string[] = [];
    for (const [name, text] of Object.entries(HOT_PATH)) {
      await c.query('SAVEPOINT p');
      try {
        await c.query(`PREPARE hot_path_check AS ${text}`);
        await c.query('DEALLOCATE hot_path_check');
        await c.query('RELEASE SAVEPOINT p');
      } catch (e) {
        await c.query('ROLLBACK TO SAVEPOINT p');
        failed.push(`${name}: ${(e as Error).message}`);
      }
    }
    return failed;
  }

  it('every statement resolves against the migrated schema', async () => {
    expect(Object.keys(HOT_PATH)).toEqual(
      expect.arrayContaining(['LOAD_CONTEXT', 'LOAD_WORK_CONTEXT', 'STORE_DECISION_WITH_GRANT', 'PERMIT_CONTEXT']),
    );
    await c.query('BEGIN');
    try {
      expect(await unpreparable()).toEqual([]);
    } finally {
      await c.query('ROLLBACK');
    }
  });

  it.each(RENAMED)('a rename of %s.%s breaks a statement (the check has teeth)', async (table, column) => {
    await c.query('BEGIN');
    try {
      await c.query(`ALTER TABLE ${table} RENAME COLUMN ${column} TO ${column}_renamed`);
      const failed = await unpreparable();
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.join('\n')).toContain(column);
    } finally {
      await c.query('ROLLBACK');
    }
  });
});
