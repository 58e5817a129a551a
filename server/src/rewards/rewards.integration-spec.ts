import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';

jest.setTimeout(120_000);

describe('report → reward (查实即奖、网上奖励)', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date('2026-06-01T02:00:00Z'));
  const post = async (user: string, path: string, body: Record<string, unknown> = {}) =>
    t.http
      .post(`/api${path}`)
      .set(await t.auth(user))
      .send(body);
  const put = async (user: string, path: string, body: Record<string, unknown>) =>
    t.http
      .put(`/api${path}`)
      .set(await t.auth(user))
      .send(body);
  const get = async (user: string, path: string) => t.http.get(`/api${path}`).set(await t.auth(user));
  /** A public report of illegal welding in 会亭镇; confirmed (查实) by 会亭镇 unless told otherwise. */
  const report = async (confirm: boolean) => {
    const submitted = await t.http.post('/api/public/reports').send({
      description: '会亭镇工业园有人无证焊接钢架',
      regionCode: '411426100',
      latitude: 34.17,
      longitude: 116.0,
    });
    expect(submitted.status).toBe(201);
    const code = submitted.body.trackingCode as string;
    const [{ id }] = await t.ds.query('SELECT id FROM reports WHERE tracking_code = $1', [code]);
    if (confirm)
      for (const to of ['verifying', 'verified'])
        expect(
          (await post('huiting.regulator', `/reports/${id}/transition`, { to, note: '现场核实属实' })).status,
        ).toBe(200);
    return { id: id as string, code };
  };
  const hazardOf = async (reportId: string, level: 'general' | 'major' = 'general') => {
    const h = await post('huiting.regulator', `/hazards/from-report/${reportId}`, {
      category: 'unlicensed_welding',
      level,
      enterpriseId: ids.steel,
    });
    expect(h.status).toBe(201);
  };
  const publicReward = (code: string) => t.http.get(`/api/public/reports/${code}/reward`);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    const admin = await t.auth('admin');
    for (const u of [
      { username: 'huiting.second', role: 'regulator', regionCode: '411426100' },
      { username: 'matou.regulator', role: 'regulator', regionCode: '411426101' },
    ]) {
      const res = await t.http
        .post('/api/users')
        .set(admin)
        .send({ password: DEMO_PASSWORD, displayName: u.username, ...u });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('the county sets the reward table; a township reads it but may not change it; changes are audited', async () => {
    expect(
      (
        await put('huiting.regulator', '/rewards/rules', {
          category: 'unlicensed_welding',
          level: 'general',
          amountYuan: 9,
        })
      ).status,
    ).toBe(403);
    expect(
      (await put('hengda.admin', '/rewards/rules', { category: 'unlicensed_welding', level: 'general', amountYuan: 9 }))
        .status,
    ).toBe(403);
    const bad = await put('xiayi.regulator', '/rewards/rules', {
      category: 'unlicensed_welding',
      level: 'general',
      amountYuan: 0,
    });
    expect(bad.status).toBe(400);
    const first = await put('xiayi.regulator', '/rewards/rules', {
      category: 'unlicensed_welding',
      level: 'general',
      amountYuan: 300,
    });
    expect(first.status).toBe(200);
    const second = await put('xiayi.regulator', '/rewards/rules', {
      category: 'unlicensed_welding',
      level: 'general',
      amountYuan: 500,
    });
    expect(second.body).toMatchObject({ id: first.body.id, regionCode: '411426', amountYuan: 500 });
    expect(
      (
        await put('xiayi.regulator', '/rewards/rules', {
          category: 'unlicensed_welding',
          level: 'major',
          amountYuan: 2000,
        })
      ).status,
    ).toBe(200);
    const seen = await get('huiting.regulator', '/rewards/rules');
    expect(seen.body.map((r: { level: string; amountYuan: number }) => [r.level, r.amountYuan])).toEqual([
      ['general', 500],
      ['major', 2000],
    ]);
    const audit = await t.ds.query(
      `SELECT before, after FROM audit_log WHERE action = 'reward_rule.set' AND entity_id = $1 ORDER BY id`,
      [first.body.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({ before: null, after: expect.objectContaining({ amountYuan: 300 }) }),
      expect.objectContaining({ before: { amountYuan: 300 }, after: expect.objectContaining({ amountYuan: 500 }) }),
    ]);
  });

  it('refuses a reward on an unconfirmed report, before its hazard exists, from another township or an enterprise', async () => {
    const unconfirmed = await report(false);
    const r1 = await post('huiting.regulator', '/rewards', { reportId: unconfirmed.id });
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe('REPORT_NOT_CONFIRMED');
    const confirmed = await report(true);
    const r2 = await post('huiting.regulator', '/rewards', { reportId: confirmed.id });
    expect(r2.status).toBe(409);
    expect(r2.body.error.code).toBe('REWARD_NEEDS_HAZARD');
    await hazardOf(confirmed.id);
    expect((await post('matou.regulator', '/rewards', { reportId: confirmed.id })).status).toBe(404);
    expect((await post('hengda.admin', '/rewards', { reportId: confirmed.id })).status).toBe(403);
    expect(Number((await t.ds.query('SELECT count(*) FROM rewards'))[0].count)).toBe(0);
    expect((await publicReward(unconfirmed.code)).body).toEqual({ state: null, amountYuan: null, paidAt: null });
  });

  it('proposed at the table amount → approved by a second regulator (never the proposer) → paid; the reporter sees only their own', async () => {
    const mine = await report(true);
    await hazardOf(mine.id, 'major');
    const other = await report(true);
    await hazardOf(other.id);

    const proposed = await post('huiting.regulator', '/rewards', { reportId: mine.id });
    expect(proposed.status).toBe(201);
    const id = proposed.body.id as string;
    expect(proposed.body).toMatchObject({ state: 'proposed', amountYuan: 2000, level: 'major', canApprove: false });
    expect((await post('huiting.regulator', '/rewards', { reportId: mine.id })).status).toBe(409);
    expect((await publicReward(mine.code)).body).toEqual({ state: 'proposed', amountYuan: 2000, paidAt: null });
    expect((await publicReward(other.code)).body).toEqual({ state: null, amountYuan: null, paidAt: null });
    // The console finds a report's reward by the report, and names the report by its tracking code.
    const byReport = await get('huiting.regulator', `/rewards?reportId=${mine.id}`);
    expect(byReport.body.items.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(byReport.body.items[0].reportTrackingCode).toBe(mine.code);
    expect((await get('huiting.regulator', `/rewards?reportId=${other.id}`)).body.total).toBe(0);
    expect((await get('matou.regulator', `/rewards?reportId=${mine.id}`)).body.total).toBe(0);
    expect((await get('huiting.regulator', '/rewards?reportId=nope')).status).toBe(400);

    // Paying before approval, approving one's own proposal, and another township: refused.
    const early = await post('huiting.regulator', `/rewards/${id}/pay`, {
      paidAt: clock.now().toISOString(),
      paymentReference: 'WX-0001',
    });
    expect(early.status).toBe(409);
    const self = await post('huiting.regulator', `/rewards/${id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('REWARD_SELF_APPROVAL');
    expect((await post('matou.regulator', `/rewards/${id}/approve`)).status).toBe(404);
    expect((await get('matou.regulator', `/rewards/${id}`)).status).toBe(404);
    expect((await get('hengda.admin', `/rewards/${id}`)).status).toBe(403);
    expect((await get('huiting.second', `/rewards/${id}`)).body.canApprove).toBe(true);

    const approved = await post('huiting.second', `/rewards/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved', approvedByName: 'huiting.second' });
    expect((await post('xiayi.regulator', `/rewards/${id}/approve`)).status).toBe(409);

    const future = await post('huiting.regulator', `/rewards/${id}/pay`, {
      paidAt: new Date(clock.now().getTime() + 86_400_000).toISOString(),
      paymentReference: 'WX-0001',
    });
    expect(future.status).toBe(400);
    const paid = await post('huiting.regulator', `/rewards/${id}/pay`, {
      paidAt: clock.now().toISOString(),
      paymentReference: 'WX20260601-0001',
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({
      state: 'paid',
      paymentReference: 'WX20260601-0001',
      paidAt: clock.now().toISOString(),
    });
    expect(
      (
        await post('huiting.regulator', `/rewards/${id}/pay`, {
          paidAt: clock.now().toISOString(),
          paymentReference: 'WX-2',
        })
      ).status,
    ).toBe(409);

    const status = await publicReward(mine.code.toLowerCase());
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ state: 'paid', amountYuan: 2000, paidAt: clock.now().toISOString() });
    expect(JSON.stringify(status.body)).not.toContain('WX20260601');
    expect((await publicReward('ZZZZZZZZZZ')).status).toBe(404);

    const audit = await t.ds.query(
      `SELECT action FROM audit_log WHERE entity_type = 'reward' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['reward.propose', 'reward.approve', 'reward.pay']);
    // The database holds the separation of duties too.
    await expect(t.ds.query(`UPDATE rewards SET approved_by = proposed_by WHERE id = $1`, [id])).rejects.toThrow(
      /check/,
    );
  });
});
