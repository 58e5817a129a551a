import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { LOAD_CONTEXT, LOAD_WORK_CONTEXT, STORE_DECISION_WITH_GRANT } from '../authorization/authorization.statements';
import { HOT_PATH_APPLICATION_NAME, HotPathPool } from './hot-path-pool';
import { PreparedStatement } from './prepared-statement';

interface SessionView {
  pid: number;
  mode: string;
  statements: { name: string; generic_plans: string; custom_plans: string }[];
}

/*
 * What one connection of the pool has prepared. The short sleep keeps the connection busy, so that
 * `size` concurrent calls see `size` different connections.
 */
const INSPECT = new PreparedStatement(`SELECT pg_backend_pid() AS pid, current_setting('plan_cache_mode') AS mode,
  (SELECT json_agg(json_build_object('name', name, 'generic_plans', generic_plans::text, 'custom_plans', custom_plans::text))
     FROM pg_prepared_statements) AS statements, pg_sleep($1::float8) IS NULL AS slept`);
const DIVIDE = new PreparedStatement(`SELECT 1 / $1::int AS n`);

describe('HotPathPool', () => {
  let t: TestApp;
  let hot: HotPathPool;
  let admin: Client;

  beforeAll(async () => {
    // A size of its own, to prove the setting is used (the default depends on the machine's cores).
    t = await createTestApp({ seed: false, config: { hotPathPoolSize: 3 } });
    hot = t.app.get(HotPathPool);
    // Registered after start-up: not warmed, but allowed (parsed on first use).
    hot.register(INSPECT, DIVIDE);
    admin = new Client({ connectionString: t.config.databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  const backends = async () =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
        [HOT_PATH_APPLICATION_NAME],
      )
    ).rows.map((r) => r.pid);
  const inspectAll = async () =>
    Promise.all(Array.from({ length: hot.size }, () => hot.query<SessionView>(INSPECT, [0.2]).then((r) => r[0])));
  const planOf = (v: SessionView, s: PreparedStatement) => v.statements.find((p) => p.name === s.name);

  it('opens every connection at start-up', async () => {
    expect(hot.size).toBe(3);
    expect(await backends()).toHaveLength(3);
  });

  it('has every registered statement prepared with a generic plan on every connection before first use', async () => {
    const views = await inspectAll();
    expect(new Set(views.map((v) => v.pid)).size).toBe(hot.size);
    for (const v of views) {
      expect(v.mode).toBe('force_generic_plan');
      // The decision's statements, including one that fails on the warm-up's NULLs (NOT NULL columns).
      for (const s of [LOAD_CONTEXT, LOAD_WORK_CONTEXT, STORE_DECISION_WITH_GRANT]) {
        expect(planOf(v, s)).toEqual({
          name: s.name,
          generic_plans: expect.stringMatching(/^[1-9]/),
          custom_plans: '0',
        });
      }
    }
  });

  it('leaves the warm-up without effect: nothing written, no transaction left open', async () => {
    // Scoped to this file's database: other files' hot pools run in parallel under the same name.
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM decisions`))[0].n).toBe(0);
    expect(
      (
        await admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()
      AND state <> 'idle' AND state IS NOT NULL AND query NOT LIKE '%pg_prepared_statements%'`,
          [HOT_PATH_APPLICATION_NAME],
        )
      ).rows[0].n,
    ).toBe(0);
  });

  it('warms a connection that replaces a lost one before its first use, without crashing the process', async () => {
    const [victim] = await backends();
    await admin.query('SELECT pg_terminate_backend($1)', [victim]);
    // The pool notices the dead idle connection, drops it and opens a new one on demand.
    for (let i = 0; i < 50 && (await backends()).includes(victim); i++) await new Promise((r) => setTimeout(r, 20));
    let views: SessionView[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      views = await inspectAll().catch(() => []);
      if (views.length === hot.size) break;
    }
    expect(views.map((v) => v.pid)).not.toContain(victim);
    for (const v of views)
      expect(planOf(v, LOAD_CONTEXT)).toEqual(
        expect.objectContaining({ custom_plans: '0', generic_plans: expect.stringMatching(/^[1-9]/) }),
      );
  });

  it('reports errors as QueryFailedError with the PostgreSQL code, and keeps the connection', async () => {
    const before = (await backends()).sort();
    const err = await hot.query(DIVIDE, [0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22012');
    expect(await hot.query(DIVIDE, [1])).toEqual([{ n: 1 }]);
    expect((await backends()).sort()).toEqual(before);
  });

  it('refuses a statement that was never registered', async () => {
    await expect(hot.query(new PreparedStatement('SELECT 2'), [])).rejects.toThrow('not registered');
  });

  it('refuses queries once the application has shut down, instead of opening a new pool', async () => {
    const other = await createTestApp({ seed: false, config: { hotPathPoolSize: 1 } });
    const pool = other.app.get(HotPathPool);
    pool.register(DIVIDE);
    expect(await pool.query(DIVIDE, [1])).toEqual([{ n: 1 }]);
    await other.close();
    await expect(pool.query(DIVIDE, [1])).rejects.toThrow('closed');
  });

  it('changes nothing on the TypeORM pool', async () => {
    expect((await t.ds.query(`SELECT current_setting('plan_cache_mode') AS mode`))[0].mode).toBe('auto');
  });
});
