import ExcelJS from 'exceljs';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import { FakeClock } from '../../common/clock/clock';
import { demoIds, DemoIds } from '../../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../../seed/demo-data';

jest.setTimeout(120_000);

type Fields = { field: string; code: string }[];

/**
 * 隐患统计 and 今日待办 on known fixtures (issue 15 §5): exact numbers, the township's scope, bad
 * queries refused with field codes.
 */
describe('hazard statistics and the regulator’s day', () => {
  let t: TestApp;
  let ids: DemoIds;
  // 2026-06-01 10:00 China time.
  const clock = new FakeClock(new Date('2026-06-01T02:00:00Z'));
  const stats = async (user: string, query = '') =>
    t.http.get(`/api/hazards/statistics${query}`).set(await t.auth(user));
  const hz: Record<string, string> = {};

  /** One hazard row as it would be after its steps; signer and handler are never the same account. */
  const insert = async (
    key: string,
    enterprise: 'steel' | 'machinery',
    h: {
      source: string;
      level: 'general' | 'major';
      category: string;
      state: string;
      created: string;
      deadline?: string;
      signedOff?: string;
    },
  ) => {
    const handler = ids.users['huiting.regulator'];
    const signer = ids.users['xiayi.regulator'];
    const [row] = await t.ds.query(
      `INSERT INTO hazards (enterprise_id, region_code, region_path, category, level, description, source, state,
                            deadline, handler_ids, verified_by, signed_off_by, signed_off_at, created_at, updated_at)
       SELECT e.id, e.region_code, e.region_path, $2, $3, '统计测试隐患 ' || $9::text, $4, $5::text, $6::timestamptz,
              ARRAY[$7::uuid], CASE WHEN $5::text IN ('verified', 'signed_off') THEN $7::uuid END,
              CASE WHEN $5::text = 'signed_off' THEN $8::uuid END, $10::timestamptz, $11::timestamptz, $11::timestamptz
         FROM enterprises e WHERE e.id = $1
       RETURNING id`,
      [
        ids[enterprise],
        h.category,
        h.level,
        h.source,
        h.state,
        h.deadline ?? null,
        handler,
        signer,
        key,
        h.signedOff ?? null,
        h.created,
      ],
    );
    hz[key] = row.id as string;
  };

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
    ids = await demoIds(t.ds);
    // 会亭镇 · 金属制品业 (恒达)
    await insert('A1', 'steel', {
      source: 'self_inspection',
      level: 'general',
      category: 'fire_equipment_missing',
      state: 'signed_off',
      created: '2026-05-01T00:00:00Z',
      deadline: '2026-05-10T00:00:00Z',
      signedOff: '2026-05-02T00:00:00Z', // 24 h, on time
    });
    await insert('A2', 'steel', {
      source: 'inspection',
      level: 'major',
      category: 'unlicensed_welding',
      state: 'signed_off',
      created: '2026-05-01T00:00:00Z',
      deadline: '2026-05-03T00:00:00Z',
      signedOff: '2026-05-05T00:00:00Z', // 96 h, late
    });
    await insert('A3', 'steel', {
      source: 'platform_alert',
      level: 'general',
      category: 'arc_without_grant',
      state: 'ordered',
      created: '2026-05-10T00:00:00Z',
      deadline: '2026-05-20T00:00:00Z', // overdue
    });
    await insert('A4', 'steel', {
      source: 'public_report',
      level: 'general',
      category: 'fire_equipment_missing',
      state: 'ordered',
      created: '2026-05-15T00:00:00Z',
      deadline: '2026-06-10T00:00:00Z',
    });
    await insert('A5', 'steel', {
      source: 'self_inspection',
      level: 'general',
      category: 'other',
      state: 'verified',
      created: '2026-05-20T00:00:00Z',
      deadline: '2026-06-05T00:00:00Z',
    });
    // 马头镇 · 专用设备制造业 (宏远)
    await insert('B1', 'machinery', {
      source: 'inspection',
      level: 'major',
      category: 'modified_machine',
      state: 'ordered',
      created: '2026-05-05T00:00:00Z',
      deadline: '2026-05-25T00:00:00Z', // overdue
    });
    await insert('B2', 'machinery', {
      source: 'inspection',
      level: 'general',
      category: 'other',
      state: 'signed_off',
      created: '2026-05-06T00:00:00Z',
      deadline: '2026-05-30T00:00:00Z',
      signedOff: '2026-05-06T10:00:00Z', // 10 h, on time
    });
    await insert('B3', 'machinery', {
      source: 'inspection',
      level: 'major',
      category: 'other',
      state: 'verified',
      created: '2026-05-07T00:00:00Z',
      deadline: '2026-06-30T00:00:00Z',
    });
    // Outside the period (and 31 May 23:59 China time is still inside).
    await insert('C1', 'steel', {
      source: 'inspection',
      level: 'general',
      category: 'other',
      state: 'open',
      created: '2025-12-01T00:00:00Z',
    });
    await insert('C2', 'steel', {
      source: 'inspection',
      level: 'general',
      category: 'other',
      state: 'open',
      created: '2026-05-31T16:00:00Z', // 1 June 00:00 China time
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const MAY = '?from=2026-05-01&to=2026-05-31';

  it('counts the county’s hazards of the period by source, level, state, category and township × industry', async () => {
    const res = await stats('xiayi.regulator', MAY);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-05-01', to: '2026-05-31', total: 8, major: 3 });
    expect(res.body.bySource).toEqual([
      { key: 'inspection', count: 4 },
      { key: 'self_inspection', count: 2 },
      { key: 'platform_alert', count: 1 },
      { key: 'public_report', count: 1 },
    ]);
    expect(res.body.byLevel).toEqual([
      { key: 'general', count: 5 },
      { key: 'major', count: 3 },
    ]);
    expect(res.body.byState).toEqual([
      { key: 'ordered', count: 3 },
      { key: 'signed_off', count: 3 },
      { key: 'verified', count: 2 },
    ]);
    expect(res.body.byCategory).toEqual([
      { key: 'other', count: 3 },
      { key: 'fire_equipment_missing', count: 2 },
      { key: 'arc_without_grant', count: 1 },
      { key: 'modified_machine', count: 1 },
      { key: 'unlicensed_welding', count: 1 },
    ]);
    // Hours to sign-off 10, 24, 96: median 24, p90 interpolated 24 + 0.8 × 72.
    expect(res.body.signOff).toEqual({ signedOff: 3, medianHours: 24, p90Hours: 81.6, onTime: 2, late: 1, overdue: 2 });
    expect(res.body.byRegionIndustry).toEqual([
      {
        regionCode: '411426100',
        regionName: '会亭镇',
        industry: '金属制品业',
        total: 5,
        major: 1,
        overdue: 1,
        signedOff: 2,
        byCategory: { arc_without_grant: 1, fire_equipment_missing: 2, other: 1, unlicensed_welding: 1 },
      },
      {
        regionCode: '411426101',
        regionName: '马头镇',
        industry: '专用设备制造业',
        total: 3,
        major: 2,
        overdue: 1,
        signedOff: 1,
        byCategory: { modified_machine: 1, other: 2 },
      },
    ]);
  });

  it('filters by region and industry; the drill-down list gives the same hazards', async () => {
    const town = await stats('xiayi.regulator', `${MAY}&regionCode=411426101`);
    expect(town.body).toMatchObject({ total: 3, major: 2, regionCode: '411426101' });
    const industry = await stats('xiayi.regulator', `${MAY}&industry=${encodeURIComponent('金属制品业')}`);
    expect(industry.body).toMatchObject({ total: 5, major: 1 });
    expect(industry.body.byRegionIndustry).toHaveLength(1);
    const none = await stats('xiayi.regulator', `${MAY}&industry=${encodeURIComponent('建筑业')}`);
    expect(none.body).toMatchObject({ total: 0, bySource: [], byRegionIndustry: [] });
    expect(none.body.signOff).toEqual({
      signedOff: 0,
      medianHours: null,
      p90Hours: null,
      onTime: 0,
      late: 0,
      overdue: 0,
    });

    // The list behind a cell: township 会亭镇, industry 金属制品业, category fire_equipment_missing, in May.
    const list = await t.http
      .get(
        `/api/hazards?regionCode=411426100&industry=${encodeURIComponent('金属制品业')}&category=fire_equipment_missing&from=2026-05-01&to=2026-05-31`,
      )
      .set(await t.auth('xiayi.regulator'));
    expect(list.status).toBe(200);
    expect((list.body.items as { id: string }[]).map((h) => h.id).sort()).toEqual([hz.A1, hz.A4].sort());
    const wholeMay = await t.http
      .get('/api/hazards?from=2026-05-01&to=2026-05-31&pageSize=100')
      .set(await t.auth('xiayi.regulator'));
    expect(wholeMay.body.total).toBe(8);
    const badList = await t.http.get('/api/hazards?from=2026-02-30').set(await t.auth('xiayi.regulator'));
    expect(badList.status).toBe(400);
    expect((badList.body.error.fields as Fields).map((f) => f.field)).toEqual(['from']);
  });

  it('a township sees only its own; another township’s region is not found; enterprises are refused', async () => {
    const own = await stats('huiting.regulator', MAY);
    expect(own.body).toMatchObject({ total: 5, major: 1 });
    expect(own.body.byRegionIndustry.map((r: { regionCode: string }) => r.regionCode)).toEqual(['411426100']);
    const matou = await stats('matou.regulator', MAY);
    expect(matou.body).toMatchObject({ total: 3 });
    expect((await stats('huiting.regulator', `${MAY}&regionCode=411426101`)).status).toBe(404);
    expect((await stats('huiting.regulator', `${MAY}&regionCode=411426`)).status).toBe(404);
    expect((await stats('hengda.admin', MAY)).status).toBe(403);
    expect((await stats('welder.zhang', MAY)).status).toBe(403);
    const all = await stats('admin', MAY);
    expect(all.body.total).toBe(8);
  });

  it('refuses bad queries with field codes', async () => {
    const cases: [string, string, string][] = [
      ['?from=2026-13-01', 'from', 'isCalendarDate'],
      ['?to=yesterday', 'to', 'isCalendarDate'],
      ['?from=2026-05-31&to=2026-05-01', 'to', 'toNotAfterFrom'],
      ['?from=2020-01-01&to=2026-01-01', 'to', 'max'],
      ['?regionCode=abc', 'regionCode', 'isRegionCode'],
      [`?industry=${'x'.repeat(101)}`, 'industry', 'maxLength'],
    ];
    for (const [query, field, code] of cases) {
      const res = await stats('xiayi.regulator', query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.fields as Fields).toEqual([expect.objectContaining({ field, code })]);
    }
    const unknownParam = await stats('xiayi.regulator', '?groupBy=x');
    expect(unknownParam.status).toBe(400);
  });

  it('exports the township × industry table as a workbook', async () => {
    const res = await t.http
      .get(`/api/hazards/statistics/export.xlsx${MAY}`)
      .set(await t.auth('xiayi.regulator'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    const bytes = res.body as Buffer;
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    const rows = ws.getSheetValues().slice(1) as unknown[][];
    expect(rows[0].slice(1, 7)).toEqual(['乡镇（街道）', '行业', '隐患总数', '重大隐患', '逾期未整改', '已销号']);
    expect(rows[1].slice(1, 7)).toEqual(['会亭镇', '金属制品业', 5, 1, 1, 2]);
    expect(rows[2].slice(1, 7)).toEqual(['马头镇', '专用设备制造业', 3, 2, 1, 1]);
    expect(rows[0]).toContain('无证焊接');
    expect(
      (await t.http.get(`/api/hazards/statistics/export.xlsx?from=x`).set(await t.auth('xiayi.regulator'))).status,
    ).toBe(400);
  });

  describe('今日待办 (GET /api/me/today)', () => {
    let plan: string;
    beforeAll(async () => {
      const me = ids.users['huiting.second'];
      const other = ids.users['huiting.regulator'];
      [{ id: plan }] = await t.ds.query(
        `INSERT INTO inspection_plans (title, region_code, region_path, period_start, period_end, sample_size, weights,
                                       seed, candidates, inspector_pool, drawn_at)
         SELECT '6月双随机检查', r.code, r.path, '2026-06-01', '2026-06-07', 2, '{}', 'seed', '[]', ARRAY[$1::uuid, $2::uuid], now()
           FROM regions r WHERE r.code = '411426100' RETURNING id`,
        [me, other],
      );
      await t.ds.query(
        `INSERT INTO inspection_targets (plan_id, position, enterprise_id, weight, inspector_ids)
         VALUES ($1, 1, $2, 1, ARRAY[$3::uuid, $4::uuid])`,
        [plan, ids.steel, me, other],
      );
      // A plan of next week is not today's.
      await t.ds.query(
        `INSERT INTO inspection_plans (title, region_code, region_path, period_start, period_end, sample_size, weights,
                                       seed, candidates, inspector_pool, drawn_at)
         SELECT '下周检查', r.code, r.path, '2026-06-08', '2026-06-14', 1, '{}', 'seed', '[]', ARRAY[$1::uuid], now()
           FROM regions r WHERE r.code = '411426100'`,
        [me],
      );
      const submitted = await t.http.post('/api/public/reports').send({
        description: '会亭镇工业园有人夜间无证焊接',
        regionCode: '411426100',
        latitude: 34.17,
        longitude: 116.0,
      });
      expect(submitted.status).toBe(201);
    });
    const today = async (user: string) => t.http.get('/api/me/today').set(await t.auth(user));

    it('shows a township regulator its overdue items, what it may sign off, its inspections and reports', async () => {
      const res = await today('huiting.second');
      expect(res.status).toBe(200);
      expect(res.body.overdue.count).toBe(1);
      expect(res.body.overdue.items).toEqual([
        expect.objectContaining({
          id: hz.A3,
          enterpriseName: '夏邑县恒达钢结构有限公司',
          regionName: '会亭镇',
          state: 'ordered',
        }),
      ]);
      // A5 (general, verified) is its to sign off: it never handled it.
      expect(res.body.awaitingSignOff).toEqual({ count: 1, items: [expect.objectContaining({ id: hz.A5 })] });
      expect(res.body.inspections.count).toBe(1);
      expect(res.body.inspections.items[0]).toMatchObject({
        planId: plan,
        position: 1,
        enterpriseId: ids.steel,
        assignedToMe: true,
        periodEnd: '2026-06-07',
      });
      expect(res.body.reports.count).toBe(1);
      expect(res.body.reports.items[0]).toMatchObject({ status: 'received', regionName: '会亭镇' });
    });

    it('never offers a sign-off to the handler, nor a major one below county level', async () => {
      // huiting.regulator handled A5: nothing to sign off.
      const handler = await today('huiting.regulator');
      expect(handler.body.awaitingSignOff.count).toBe(0);
      // 马头镇 sees its major B3 waiting, but may not sign it off.
      const matou = await today('matou.regulator');
      expect(matou.body.awaitingSignOff.count).toBe(0);
      expect(matou.body.overdue.items.map((h: { id: string }) => h.id)).toEqual([hz.B1]);
      expect(matou.body.inspections.count).toBe(0);
      expect(matou.body.reports.count).toBe(0);
      // The county signs off both A5 and the major B3 (it handled neither); it sees every overdue item.
      const county = await today('xiayi.regulator');
      expect(county.body.awaitingSignOff.items.map((h: { id: string }) => h.id).sort()).toEqual([hz.A5, hz.B3].sort());
      expect(county.body.overdue.items.map((h: { id: string }) => h.id)).toEqual([hz.A3, hz.B1]);
      // 会亭镇's plan is in the county's region too, though nobody of the county was drawn.
      expect(county.body.inspections.items).toEqual([expect.objectContaining({ planId: plan, assignedToMe: false })]);
    });

    it('is for regulators only', async () => {
      expect((await today('hengda.admin')).status).toBe(403);
      expect((await today('admin')).status).toBe(403);
      expect((await today('welder.zhang')).status).toBe(403);
      expect((await t.http.get('/api/me/today')).status).toBe(401);
    });
  });
});
