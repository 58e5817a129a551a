import { createTestApp, TestApp } from '../../test-support/test-app';
import { DEMO_USERS } from './demo-data';
import { DemoSpread } from './demo-spread';

jest.setTimeout(120_000);

/** The demo's spread (issue 15 §5): overdue hazards, a fined case, a paid reward; once only; demo log-ins intact. */
describe('demo spread', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('seeds hazards across the loop, a case with a fine and a paid reward, quickly and only once', async () => {
    const started = Date.now();
    expect(await t.app.get(DemoSpread).seed()).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await t.app.get(DemoSpread).seed()).toBe(false);

    const states = await t.ds.query<{ state: string; n: number }[]>(
      `SELECT state, count(*)::int AS n FROM hazards GROUP BY state ORDER BY state`,
    );
    expect(states).toEqual([
      { state: 'open', n: 1 },
      { state: 'ordered', n: 3 },
      { state: 'signed_off', n: 2 },
      { state: 'verified', n: 1 },
    ]);
    const [{ overdue }] = await t.ds.query(
      `SELECT count(*)::int AS overdue FROM hazards WHERE state = 'ordered' AND deadline < now()`,
    );
    expect(overdue).toBe(2);
    // Every hazard has its timeline, and a signer who never handled it.
    const [{ bare }] = await t.ds.query(
      `SELECT count(*)::int AS bare FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM hazard_events e WHERE e.hazard_id = h.id)`,
    );
    expect(bare).toBe(0);
    const cases = await t.ds.query(`SELECT fine_yuan::float8 AS fine, state FROM enforcement_cases`);
    expect(cases).toEqual([{ fine: 5000, state: 'open' }]);
    const rewards = await t.ds.query(
      `SELECT state, amount_yuan::float8 AS amount, payment_reference, approved_by <> proposed_by AS second FROM rewards`,
    );
    expect(rewards).toEqual([{ state: 'paid', amount: 500, payment_reference: 'XYJL-2026-0001', second: true }]);
    expect(await t.ds.query(`SELECT status FROM reports`)).toEqual([{ status: 'closed' }]);

    // The county's day: both overdue items, and the verified one to sign off.
    const county = await t.http.get('/api/me/today').set(await t.auth('xiayi.regulator'));
    expect(county.status).toBe(200);
    expect(county.body.overdue.count).toBe(2);
    expect(county.body.awaitingSignOff.count).toBe(1);
    // 会亭镇 handled it: nothing for it to sign off; its own overdue item only.
    const township = await t.http.get('/api/me/today').set(await t.auth('huiting.regulator'));
    expect(township.body.awaitingSignOff.count).toBe(0);
    expect(township.body.overdue.count).toBe(1);
    const stats = await t.http.get('/api/hazards/statistics').set(await t.auth('xiayi.regulator'));
    expect(stats.body).toMatchObject({ total: 7, major: 1 });
    expect(stats.body.signOff).toMatchObject({ signedOff: 2, onTime: 1, late: 1, overdue: 2 });

    // The README's demo accounts still log in.
    for (const u of DEMO_USERS) expect((await t.auth(u.username)).Authorization).toMatch(/^Bearer /);
  });
});
