import { createTestApp, TestApp } from '../../test-support/test-app';
import { ReportingPool } from '../database/reporting-pool';

describe('overview reuse and the reporting pool', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      config: { reporting: { overviewCacheS: 60, statementTimeoutMs: 300, poolSize: 2, censusRefreshS: 0 } },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const overview = async (user: string) => {
    const res = await t.http.get('/api/stats/overview').set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body;
  };
  const addUnregisteredAlert = () =>
    t.ds.query(
      `INSERT INTO alerts (type, severity, state, evidence, first_seen_at, last_seen_at, chip_id)
       VALUES ('UNREGISTERED_DEVICE', 'warning', 'open', '{"note":"test"}', now(), now(), 'CHIP-CACHE-' || gen_random_uuid())`,
    );

  it('answers refreshes of one scope from one count for the configured time, other scopes from their own', async () => {
    const first = await overview('xiayi.regulator');
    // Concurrent refreshes share one count.
    const together = await Promise.all([overview('xiayi.regulator'), overview('xiayi.regulator')]);
    expect(together.map((o) => o.generatedAt)).toEqual([first.generatedAt, first.generatedAt]);

    await addUnregisteredAlert(); // every regulator sees alerts of unregistered devices
    const again = await overview('xiayi.regulator');
    expect(again).toEqual(first); // reused: same figures, same generatedAt

    const township = await overview('huiting.regulator'); // first count of that scope: sees the new alert
    expect(township.alerts.openByType.UNREGISTERED_DEVICE).toBe((first.alerts.openByType.UNREGISTERED_DEVICE ?? 0) + 1);
  });

  it('cancels a report past the statement timeout with 503 REPORT_TIMEOUT, and the pool still serves', async () => {
    const pool = t.app.get(ReportingPool);
    await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: 'REPORT_TIMEOUT' });
    expect(await pool.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);
    // Its connections identify themselves and run reports without parallel workers.
    const [s] = await pool.query<{ app: string; par: string }>(
      `SELECT current_setting('application_name') AS app, current_setting('max_parallel_workers_per_gather') AS par`,
    );
    expect(s).toEqual({ app: 'arcgate-reporting', par: '0' });
  });
});
