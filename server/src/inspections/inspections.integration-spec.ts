import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { FakeClock } from '../common/clock/clock';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { drawInspection } from './inspection-draw';

jest.setTimeout(120_000);

interface Person {
  id: string;
  displayName: string;
}
interface PlanBody {
  id: string;
  seed: string;
  regionName: string;
  regionCode: string;
  candidates: {
    enterpriseId: string;
    enterpriseName: string;
    openAlerts: number;
    daysSinceInspection: number | null;
  }[];
  inspectorPool: Person[];
  targets: { enterpriseId: string; inspectors: Person[] }[];
}
interface ErrorBody {
  error: { code: string; fields: { field: string; code: string }[] };
}

describe('inspection plans (双随机一公开)', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date('2026-06-01T02:00:00Z'));
  const plan = (over: Record<string, unknown> = {}) => ({
    title: '2026年6月焊接作业双随机抽查',
    regionCode: '411426',
    periodStart: '2026-06-01',
    periodEnd: '2026-06-30',
    sampleSize: 2,
    weights: { openAlerts: 2, daysSinceInspection: 1 },
    ...over,
  });
  const create = async (user: string, body: Record<string, unknown>) =>
    t.http
      .post('/api/inspection-plans')
      .set(await t.auth(user))
      .send(body);

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
        .send({ password: DEMO_PASSWORD, displayName: `${u.username} 执法员`, ...u });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('draws enterprises and two inspectors each, records seed and inputs, audits, and re-runs to the same result', async () => {
    await t.app.get(AlertsService).raise({
      type: AlertType.ARC_WITHOUT_GRANT,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      evidence: { test: 'inspections' },
      dedupeKey: 'inspection-spec:steel',
    });
    const res = await create('xiayi.regulator', plan({ seed: 'county-2026-06-seed' }));
    expect(res.status).toBe(201);
    const p = res.body as PlanBody;
    expect(p.seed).toBe('county-2026-06-seed');
    expect(p.regionName).toBe('夏邑县');
    expect(p.targets).toHaveLength(2);
    // Every active enterprise of the county was a candidate, with the facts its weight came from.
    const active = await t.ds.query(
      `SELECT id FROM enterprises WHERE region_path LIKE '/411426/%' AND status = 'active'`,
    );
    expect(p.candidates).toHaveLength(active.length);
    const steel = p.candidates.find((c) => c.enterpriseId === ids.steel)!;
    expect(steel.openAlerts).toBeGreaterThanOrEqual(1);
    expect(steel.daysSinceInspection).toBeNull();
    expect(steel.enterpriseName).toBe('夏邑县恒达钢结构有限公司');
    // The pool is the county's regulator accounts: the county, both of 会亭镇 and 马头镇's.
    expect(p.inspectorPool).toHaveLength(4);
    for (const target of p.targets) {
      expect(target.inspectors).toHaveLength(2);
      expect(target.inspectors[0].id).not.toBe(target.inspectors[1].id);
      expect(p.inspectorPool.map((i) => i.id)).toEqual(expect.arrayContaining(target.inspectors.map((i) => i.id)));
    }
    // Re-run from what is stored: the same enterprises in the same order with the same inspectors.
    const [row] = await t.ds.query(
      `SELECT seed, candidates, weights, inspector_pool, sample_size FROM inspection_plans WHERE id = $1`,
      [p.id],
    );
    const again = drawInspection(row.seed, row.candidates, row.weights, row.inspector_pool, row.sample_size);
    expect(again.map((d) => [d.enterpriseId, ...d.inspectorIds])).toEqual(
      p.targets.map((x) => [x.enterpriseId, ...x.inspectors.map((i) => i.id)]),
    );
    // Audited with the seed and the selection.
    const [audit] = await t.ds.query(
      `SELECT actor_role, after FROM audit_log WHERE action = 'inspection_plan.draw' AND entity_id = $1`,
      [p.id],
    );
    expect(audit.actor_role).toBe('regulator');
    expect(audit.after.seed).toBe('county-2026-06-seed');
    expect(audit.after.selected.map((s: { enterpriseId: string }) => s.enterpriseId)).toEqual(
      p.targets.map((x) => x.enterpriseId),
    );
    // Every pair drawn from the county's four accounts holds a township account: drawn, it checks in on a
    // county plan it cannot otherwise open.
    const township = p.targets[0].inspectors.find((i) => i.displayName !== '夏邑县应急管理局')!;
    const username = (await t.ds.query(`SELECT username FROM users WHERE id = $1`, [township.id]))[0].username;
    const checked = await t.http
      .post(`/api/inspection-plans/${p.id}/targets/1/check-in`)
      .set(await t.auth(username))
      .send({ latitude: 34.17, longitude: 116.0 });
    expect(checked.status).toBe(200);
  });

  it('a server-picked seed is recorded too; a later plan counts the days since the last draw', async () => {
    clock.set(new Date('2026-07-01T02:00:00Z'));
    const res = await create(
      'xiayi.regulator',
      plan({ sampleSize: 3, periodStart: '2026-07-01', periodEnd: '2026-07-31' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.targets).toHaveLength(3);
    const drawnInJune = await t.ds.query(
      `SELECT DISTINCT enterprise_id FROM inspection_targets t JOIN inspection_plans p ON p.id = t.plan_id WHERE p.period_start = '2026-06-01'`,
    );
    for (const { enterprise_id } of drawnInJune)
      expect((res.body as PlanBody).candidates.find((c) => c.enterpriseId === enterprise_id)!.daysSinceInspection).toBe(
        30,
      );
  });

  it('一公开: anyone reads the draw without personal data and can re-run it', async () => {
    const res = await create(
      'huiting.regulator',
      plan({ regionCode: '411426100', sampleSize: 5, seed: 'huiting-public-seed' }),
    );
    expect(res.status).toBe(201);
    const pub = await t.http.get(`/api/public/inspection-plans/${res.body.id}`);
    expect(pub.status).toBe(200);
    expect(pub.body.reproducible).toBe(true);
    expect(pub.body.seed).toBe('huiting-public-seed');
    expect(pub.body.inspectorCount).toBe(2);
    expect(pub.body.sampleSize).toBe(1);
    expect(pub.body.targets).toEqual([
      {
        position: 1,
        enterpriseName: '夏邑县恒达钢结构有限公司',
        weight: expect.any(Number),
        inspectorPositions: expect.arrayContaining([1, 2]),
      },
    ]);
    const text = JSON.stringify(pub.body);
    for (const inspector of (res.body as PlanBody).inspectorPool) {
      expect(text).not.toContain(inspector.id);
      expect(text).not.toContain(inspector.displayName);
    }
    expect(text).not.toContain('王建国');
    // Tampering with the stored selection is visible on the public page.
    await t.ds.query(`UPDATE inspection_plans SET seed = 'tampered-seed' WHERE id = $1`, [res.body.id]);
    const after = await t.http.get(`/api/public/inspection-plans/${res.body.id}`);
    expect(after.body.reproducible).toBe(false);
  });

  it('refuses enterprises, other jurisdictions, too few inspectors and empty regions', async () => {
    const before = (await t.ds.query(`SELECT count(*)::int AS n FROM inspection_plans`))[0].n;
    const enterprise = await create('hengda.admin', plan({ regionCode: '411426100' }));
    expect(enterprise.status).toBe(403);
    const welder = await create('welder.zhang', plan({ regionCode: '411426100' }));
    expect(welder.status).toBe(403);
    const platform = await create('admin', plan());
    expect(platform.status).toBe(403);
    // A township cannot plan the county, nor another township.
    expect((await create('huiting.regulator', plan())).status).toBe(403);
    expect((await create('huiting.regulator', plan({ regionCode: '411426101' }))).status).toBe(403);
    // 马头镇 has one regulator account: no two inspectors to draw.
    const few = await create('matou.regulator', plan({ regionCode: '411426101' }));
    expect(few.status).toBe(409);
    expect(few.body.error.code).toBe('INSPECTORS_TOO_FEW');
    // 济阳镇 has no enterprise.
    const empty = await create('xiayi.regulator', plan({ regionCode: '411426102' }));
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('NO_INSPECTION_CANDIDATES');
    const bad = await create(
      'xiayi.regulator',
      plan({ periodEnd: '2026-05-01', sampleSize: 0, weights: { openAlerts: 11, daysSinceInspection: 1 } }),
    );
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).error.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['sampleSize', 'weights.openAlerts']),
    );
    const backwards = await create('xiayi.regulator', plan({ periodEnd: '2026-05-01' }));
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields[0]).toMatchObject({ field: 'periodEnd', code: 'endsBeforeStart' });
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM inspection_plans`))[0].n).toBe(before);
  });

  it('现场检查: only an inspector drawn for the enterprise checks in, with GPS, once; audited', async () => {
    const res = await create(
      'huiting.regulator',
      plan({ regionCode: '411426100', sampleSize: 1, seed: 'huiting-check-in' }),
    );
    expect(res.status).toBe(201);
    const id = (res.body as PlanBody).id;
    const checkIn = async (user: string, body: Record<string, unknown>, position = '1') =>
      t.http
        .post(`/api/inspection-plans/${id}/targets/${position}/check-in`)
        .set(await t.auth(user))
        .send(body);
    const here = { latitude: 34.1722, longitude: 116.0013 };
    // The county planned nothing here but oversees it: still not one of the two drawn, so refused.
    expect((await checkIn('xiayi.regulator', here)).status).toBe(403);
    expect((await checkIn('matou.regulator', here)).status).toBe(404);
    expect((await checkIn('hengda.admin', here)).status).toBe(403);
    expect((await checkIn('huiting.regulator', {})).status).toBe(400);
    expect((await checkIn('huiting.regulator', here, '2')).status).toBe(404);
    expect((await checkIn('huiting.regulator', here, 'x')).status).toBe(400);
    const ok = await checkIn('huiting.second', here);
    expect(ok.status).toBe(200);
    expect(ok.body.targets[0]).toMatchObject({ checkedInByName: 'huiting.second 执法员' });
    expect(ok.body.targets[0].checkedInAt).toBeTruthy();
    expect((await checkIn('huiting.regulator', here)).status).toBe(409);
    const [audit] = await t.ds.query(
      `SELECT a.after FROM audit_log a JOIN inspection_targets t ON t.id::text = a.entity_id
        WHERE a.action = 'inspection.check_in' AND t.plan_id = $1`,
      [id],
    );
    expect(audit.after).toMatchObject({ planId: id, position: 1, latitude: 34.1722, longitude: 116.0013 });
  });

  it('定向检查: an off-platform suspect becomes a target in one step; inspectors drawn and re-runnable; not published; refused outside the jurisdiction', async () => {
    const target = async (user: string, body: Record<string, unknown>) =>
      t.http
        .post('/api/inspection-plans/targeted')
        .set(await t.auth(user))
        .send(body);
    const body = {
      enterpriseId: ids.steel,
      reason: '焊机长期未上线，疑似线下作业',
      periodStart: '2026-06-02',
      periodEnd: '2026-06-09',
      source: { list: 'silent-machines', label: '1号车间氩弧焊机' },
    };
    const res = await target('xiayi.regulator', body);
    expect(res.status).toBe(201);
    const made = res.body as PlanBody & {
      kind: string;
      reason: string;
      source: unknown;
      seed: string;
      weights: { openAlerts: number; daysSinceInspection: number };
    };
    expect(made).toMatchObject({
      kind: 'targeted',
      reason: body.reason,
      source: body.source,
      regionCode: '411426',
      sampleSize: 1,
    });
    expect(made.targets).toHaveLength(1);
    expect(made.targets[0].enterpriseId).toBe(ids.steel);
    const [first, second] = made.targets[0].inspectors.map((p) => p.id);
    expect(first).not.toBe(second);
    const pool = made.inspectorPool.map((p) => p.id);
    expect(pool).toEqual(expect.arrayContaining([first, second]));
    // The pairing re-runs from what the plan recorded.
    const again = drawInspection(made.seed, made.candidates, made.weights, pool, 1);
    expect(again[0].inspectorIds).toEqual([first, second]);
    const audit = await t.ds.query(
      `SELECT actor_role, enterprise_id, after FROM audit_log WHERE action = 'inspection_plan.target' AND entity_id = $1`,
      [made.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        actor_role: 'regulator',
        enterprise_id: ids.steel,
        after: expect.objectContaining({ reason: body.reason, source: body.source, selected: [first, second] }),
      }),
    ]);
    // 四不两直: not announced, so not published.
    expect((await t.http.get(`/api/public/inspection-plans/${made.id}`)).status).toBe(404);

    const elsewhere = (
      await t.ds.query(`SELECT id FROM enterprises WHERE region_path NOT LIKE '%/411426100/%' LIMIT 1`)
    )[0].id as string;
    const outside = await target('huiting.regulator', { ...body, enterpriseId: elsewhere });
    expect(outside.status).toBe(404);
    expect((await target('hengda.admin', body)).status).toBe(403);
    expect((await target('admin', body)).status).toBe(403);
    const bad = await target('xiayi.regulator', { ...body, reason: ' ', source: { list: 'everything' } });
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).error.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['reason', 'source.list']),
    );
  });

  it('scopes reading to the region: the county sees all, a township its own, enterprises nothing', async () => {
    const county = await t.http.get('/api/inspection-plans').set(await t.auth('xiayi.regulator'));
    expect(county.status).toBe(200);
    expect(county.body.total).toBe(5); // four drawn, one targeted
    const huiting = await t.http.get('/api/inspection-plans').set(await t.auth('huiting.regulator'));
    expect((huiting.body.items as PlanBody[]).map((p) => p.regionCode)).toEqual(['411426100', '411426100']);
    const countyPlan = (county.body.items as PlanBody[]).find((p) => p.regionCode === '411426')!;
    expect(
      (await t.http.get(`/api/inspection-plans/${countyPlan.id}`).set(await t.auth('huiting.regulator'))).status,
    ).toBe(404);
    expect(
      (await t.http.get(`/api/inspection-plans/${countyPlan.id}`).set(await t.auth('matou.regulator'))).status,
    ).toBe(404);
    expect(
      (await t.http.get(`/api/inspection-plans/${countyPlan.id}`).set(await t.auth('xiayi.regulator'))).status,
    ).toBe(200);
    expect((await t.http.get(`/api/inspection-plans/${countyPlan.id}`).set(await t.auth('admin'))).status).toBe(200);
    expect((await t.http.get('/api/inspection-plans').set(await t.auth('hengda.admin'))).status).toBe(403);
  });
});
