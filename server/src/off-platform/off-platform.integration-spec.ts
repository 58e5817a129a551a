import * as ExcelJS from 'exceljs';
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { RankingSignalsJob } from './ranking-signals.job';
import { chinaDateTime } from '../common/sheets/export-builder';
import { RANKING_WEIGHTS } from './off-platform-rules';
import { OnlineDaysRollupJob } from './online-days/online-days-rollup.job';

/*
 * Each suspect situation is built in rows (the lists only read) next to a near miss that must stay off
 * the list. Today is 2026-03-10 (China), 12:00; the look-back is the default 30 days: from 2026-02-09.
 */
const NOW = new Date('2026-03-10T04:00:00Z');
const cst = (date: string, hhmm = '10:00') => `${date}T${hhmm}:00+08:00`;

/** A row of any list, as the API answers it (each test reads the fields of its own list). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of eight different views, read field by field
type Item = Record<string, any> & { signals: Signal[] };
interface Signal {
  signal: keyof typeof RANKING_WEIGHTS;
  count: number;
  points: number;
}

interface Fx {
  huiting: string; // an enterprise of 会亭镇, 金属制品业, the subject of most situations
  matou: string; // an enterprise of 马头镇, 建筑业, with nothing registered
  wholesale: string; // 会亭镇, 批发业 (not welding-heavy), nothing registered: a near miss
  steel: string; // demo 恒达, 会亭镇
  applicant: string;
  m: Record<string, string>;
  w: Record<string, string>;
  c: Record<string, string>;
  p: Record<string, string>;
  r: Record<string, string>;
}

let seq = 0;
const uscc = () => `91411426T${String(Date.now()).slice(-6)}${String(++seq).padStart(3, '0')}`;

async function enterprise(t: TestApp, name: string, industry: string, regionCode: string): Promise<string> {
  const [r] = await t.ds.query(
    `INSERT INTO enterprises (name, uscc, industry, region_code, region_path, address, principal_name, principal_phone_enc)
     SELECT $1, $2, $3, code, path, '测试地址', '测试', 'x' FROM regions WHERE code = $4 RETURNING id`,
    [name, uscc(), industry, regionCode],
  );
  return r.id;
}

async function machine(t: TestApp, enterpriseId: string, name: string, status = 'registered'): Promise<string> {
  const [r] = await t.ds.query(
    `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status, retired_at)
     VALUES ($1, $2, 'electric_arc', '测试厂', 'T-1', $3, $4, $5) RETURNING id`,
    [enterpriseId, name, `SN-${randomBytes(4).toString('hex')}`, status, status === 'retired' ? NOW : null],
  );
  return r.id;
}

async function chip(t: TestApp, machineId: string, boundAt: string, lastSeenAt: string | null): Promise<string> {
  const chipId = `AUDIT-${randomBytes(5).toString('hex')}`;
  await t.ds.query(
    `INSERT INTO chips (chip_id, public_key, machine_id, bound_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)`,
    [chipId, randomBytes(16).toString('hex'), machineId, boundAt, lastSeenAt],
  );
  await t.ds.query(`UPDATE machines SET chip_id = $1, status = 'active' WHERE id = $2`, [chipId, machineId]);
  return chipId;
}

/** Events as the ingest stores them: received now (the roll-up reads by received_at), occurred on those days. */
async function heard(t: TestApp, machineId: string, dates: string[]): Promise<void> {
  const [{ chip_id }] = await t.ds.query(`SELECT chip_id FROM machines WHERE id = $1`, [machineId]);
  for (const d of dates)
    await t.ds.query(
      `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, payload)
       VALUES ($1, $2, 'heartbeat', $3, clock_timestamp(), $4, '{}')`,
      [chip_id, ++seq, cst(d), machineId],
    );
}

async function arc(
  t: TestApp,
  machineId: string,
  at: string,
  o: { grant?: boolean; permitId?: string | null } = {},
): Promise<void> {
  const [{ chip_id }] = await t.ds.query(`SELECT chip_id FROM machines WHERE id = $1`, [machineId]);
  await t.ds.query(
    `INSERT INTO arcs (chip_id, stop_seq, machine_id, grant_id, permit_id, started_at, ended_at, duration_ms, current_stats,
                       voltage_stats, samples, sample_rate_hz, authorized)
     VALUES ($1, $2, $3, $4, $5, $6, $6::timestamptz + interval '1 minute', 60000, '{}', '{}', 10, 1, $7)`,
    [chip_id, ++seq, machineId, o.grant ? randomUUID() : null, o.permitId ?? null, at, !!o.grant],
  );
}

async function permit(
  t: TestApp,
  fx: { applicant: string },
  enterpriseId: string,
  machineIds: string[],
  start: string,
  end: string,
  status = 'approved',
): Promise<string> {
  const [r] = await t.ds.query(
    `INSERT INTO permits (enterprise_id, status, requested_level, effective_level, work_description, site_address,
                          site_latitude, site_longitude, geofence, planned_start, planned_end, applicant_user_id,
                          applicant_username, approved_at, submitted_at, permit_no)
     VALUES ($1, $2, 'level2', 'level2', '钢梁焊接', '一号车间', 34.17, 116.0, '{}', $3, $4, $5, 'hengda.admin', $3, $3,
             'T-' || left(md5(random()::text), 16))
     RETURNING id`,
    [enterpriseId, status, start, end, fx.applicant],
  );
  for (const m of machineIds)
    await t.ds.query(`INSERT INTO permit_machines (permit_id, machine_id) VALUES ($1, $2)`, [r.id, m]);
  return r.id;
}

async function welder(t: TestApp, enterpriseId: string, name: string, status = 'active'): Promise<string> {
  const idx = randomBytes(32).toString('hex');
  const [r] = await t.ds.query(
    `INSERT INTO welders (real_name, id_number_enc, id_number_index, id_number_masked, employer_id, status)
     VALUES ($1, 'x', $2, '411426********0011', $3, $4) RETURNING id`,
    [name, idx, enterpriseId, status],
  );
  return r.id;
}

async function certificate(
  t: TestApp,
  welderId: string,
  c: { issuedOn: string; expiresOn: string; reviewDueOn: string; verified?: boolean },
): Promise<string> {
  const verified = c.verified ?? true;
  const [r] = await t.ds.query(
    `INSERT INTO certificates (welder_id, category, sub_operation, issued_on, expires_on, review_due_on, status, source,
                               verification, verification_source, verified_at)
     VALUES ($1, 'welding_and_thermal_cutting', 'fusion_welding_and_thermal_cutting', $2, $3, $4, 'valid', 'manual', $5, $6, $7) RETURNING id`,
    [
      welderId,
      c.issuedOn,
      c.expiresOn,
      c.reviewDueOn,
      verified ? 'verified' : 'unverified',
      verified ? 'regulator' : null,
      verified ? NOW : null,
    ],
  );
  return r.id;
}

async function report(t: TestApp, enterpriseId: string | null, status: string, at: string): Promise<string> {
  const [r] = await t.ds.query(
    `INSERT INTO reports (tracking_code, status, description, enterprise_id, created_at, updated_at, closed_at)
     VALUES ($1, $2, '厂区后院夜间有人电焊', $3, $4, $4, $5) RETURNING id`,
    [randomBytes(5).toString('hex').toUpperCase(), status, enterpriseId, at, status === 'closed' ? at : null],
  );
  return r.id;
}

describe('off-platform audit (非法作业排查)', () => {
  let t: TestApp;
  let fx: Fx;
  const clock = new FakeClock(NOW);

  beforeAll(async () => {
    // The ranking of the default look-back reads the signals counted by its job (counted below, after the fixture).
    t = await createTestApp({ clock, config: { offPlatformRankingRefreshS: 300 } });
    const [{ id: applicant }] = await t.ds.query(`SELECT id FROM users WHERE username = 'hengda.admin'`);
    const [{ id: steel }] = await t.ds.query(`SELECT id FROM enterprises WHERE name = '夏邑县恒达钢结构有限公司'`);
    const huiting = await enterprise(t, '会亭审计测试钢构厂', '金属制品业', '411426100');
    const matou = await enterprise(t, '马头审计测试建筑队', '建筑业', '411426101');
    const wholesale = await enterprise(t, '会亭审计测试五金批发部', '批发业', '411426100');
    fx = { huiting, matou, wholesale, steel, applicant, m: {}, w: {}, c: {}, p: {}, r: {} };

    // silent machines
    fx.m.unchipped = await machine(t, huiting, '未加芯焊机');
    fx.m.retired = await machine(t, huiting, '已报废焊机', 'retired');
    fx.m.never = await machine(t, huiting, '从未上线焊机');
    await chip(t, fx.m.never, cst('2026-01-05'), null);
    fx.m.rare = await machine(t, huiting, '极少上线焊机');
    await chip(t, fx.m.rare, cst('2026-01-05'), cst('2026-02-20'));
    await heard(t, fx.m.rare, ['2026-02-20']);
    fx.m.freshChip = await machine(t, huiting, '昨日加芯焊机'); // near miss: bound inside the look-back
    await chip(t, fx.m.freshChip, cst('2026-03-09'), null);

    // online without a permit: heard on five days, a permit in force on three of them
    fx.m.busy = await machine(t, huiting, '常在线焊机');
    await chip(t, fx.m.busy, cst('2026-01-05'), cst('2026-03-09'));
    await heard(t, fx.m.busy, ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-05', '2026-03-09']);
    fx.p.busy = await permit(t, fx, huiting, [fx.m.busy], cst('2026-03-01', '08:00'), cst('2026-03-03', '18:00'));
    // near miss: heard on two days, each covered by a permit; arcs only with a grant
    fx.m.covered = await machine(t, huiting, '有票焊机');
    await chip(t, fx.m.covered, cst('2026-01-05'), cst('2026-03-04'));
    await heard(t, fx.m.covered, ['2026-03-04', '2026-03-06', '2026-03-08']);
    fx.p.covered1 = await permit(
      t,
      fx,
      huiting,
      [fx.m.covered],
      cst('2026-03-04', '08:00'),
      cst('2026-03-04', '18:00'),
    );
    fx.p.covered2 = await permit(
      t,
      fx,
      huiting,
      [fx.m.covered],
      cst('2026-03-06', '08:00'),
      cst('2026-03-08', '18:00'),
    );
    await arc(t, fx.m.covered, cst('2026-03-04', '09:00'), { grant: true, permitId: fx.p.covered1 });
    await arc(t, fx.m.covered, cst('2026-03-06', '09:00'), { grant: true, permitId: fx.p.covered2 });

    // arcs without a grant, one of them inside an idle permit's window
    fx.m.rogue = await machine(t, huiting, '无授权起弧焊机');
    await chip(t, fx.m.rogue, cst('2026-01-05'), cst('2026-03-10'));
    await heard(t, fx.m.rogue, ['2026-03-07', '2026-03-08', '2026-03-10']); // 8 March: no permit in force
    fx.p.idle = await permit(t, fx, huiting, [fx.m.rogue], cst('2026-03-07', '08:00'), cst('2026-03-07', '18:00'));
    await arc(t, fx.m.rogue, cst('2026-03-07', '14:00'));
    await arc(t, fx.m.rogue, cst('2026-03-08', '14:00'));
    await arc(t, fx.m.rogue, cst('2026-01-08', '14:00')); // before the look-back: not counted
    // near misses for idle permits: one with nothing anywhere, one still in force
    fx.p.quiet = await permit(t, fx, huiting, [fx.m.never], cst('2026-03-05', '08:00'), cst('2026-03-05', '18:00'));
    fx.p.running = await permit(t, fx, huiting, [fx.m.rogue], cst('2026-03-10', '08:00'), cst('2026-03-10', '18:00'));
    await arc(t, fx.m.rogue, cst('2026-03-10', '09:00'));

    // welders: with no valid certificate, and near misses
    fx.w.none = await welder(t, huiting, '无证焊工');
    fx.w.expired = await welder(t, huiting, '过期证焊工');
    await certificate(t, fx.w.expired, { issuedOn: '2019-01-10', expiresOn: '2025-01-10', reviewDueOn: '2025-01-10' });
    // named on a permit: still welding (the row shows it)
    await t.ds.query(`INSERT INTO permit_welders (permit_id, welder_id) VALUES ($1, $2)`, [fx.p.busy, fx.w.expired]);
    fx.w.valid = await welder(t, huiting, '持证焊工');
    fx.c.valid = await certificate(t, fx.w.valid, {
      issuedOn: '2024-06-01',
      expiresOn: '2030-06-01',
      reviewDueOn: '2027-06-01',
    });
    // holds an expired one too: the best certificate decides, as the welders module judges
    await certificate(t, fx.w.valid, { issuedOn: '2018-01-10', expiresOn: '2024-01-10', reviewDueOn: '2021-01-10' });
    fx.w.gone = await welder(t, huiting, '离职焊工', 'inactive');

    // certificates due for review
    fx.w.due = await welder(t, huiting, '待复审焊工');
    fx.c.due = await certificate(t, fx.w.due, {
      issuedOn: '2023-04-09',
      expiresOn: '2029-04-09',
      reviewDueOn: '2026-04-09',
    });
    fx.w.overdue = await welder(t, huiting, '逾期复审焊工');
    fx.c.overdue = await certificate(t, fx.w.overdue, {
      issuedOn: '2023-03-05',
      expiresOn: '2029-03-05',
      reviewDueOn: '2026-03-05',
    });
    fx.w.later = await welder(t, huiting, '远期复审焊工');
    fx.c.later = await certificate(t, fx.w.later, {
      issuedOn: '2023-06-10',
      expiresOn: '2029-06-10',
      reviewDueOn: '2026-06-10',
    });

    // public reports
    fx.r.verified = await report(t, huiting, 'verified', cst('2026-02-01'));
    fx.r.rejected = await report(t, huiting, 'rejected', cst('2026-02-02'));
    fx.r.old = await report(t, huiting, 'verified', cst('2024-12-01'));
    fx.r.matou = await report(t, matou, 'received', cst('2026-03-01'));
    // The lists count online days from the roll-up of the events (at most one roll-up interval behind).
    await t.app.get(OnlineDaysRollupJob).rollUp();
    await t.app.get(RankingSignalsJob).refresh(true);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = async (user: string, path: string, query = '') => {
    const res = await t.http.get(`/api/off-platform/${path}?pageSize=200&${query}`).set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body as { items: Item[]; total: number; industries?: string[] };
  };
  const ids = (items: Item[], key: string) => items.map((i) => i[key]);

  it('lists machines not chipped, and chipped ones never or rarely heard (not one chipped yesterday, not a retired one)', async () => {
    const { items, total } = await get('huiting.regulator', 'silent-machines');
    expect(total).toBe(items.length);
    const byId = new Map(items.map((i) => [i.machineId, i]));
    expect(byId.get(fx.m.unchipped)).toMatchObject({
      reason: 'unchipped',
      enterpriseName: '会亭审计测试钢构厂',
      regionName: '会亭镇',
      industry: '金属制品业',
    });
    expect(byId.get(fx.m.never)).toMatchObject({ reason: 'never_online', onlineDays: 0 });
    expect(byId.get(fx.m.rare)).toMatchObject({ reason: 'rarely_online', onlineDays: 1 });
    for (const nearMiss of [fx.m.retired, fx.m.freshChip, fx.m.busy, fx.m.covered])
      expect(byId.has(nearMiss)).toBe(false);
  });

  it('lists machines online on days with no permit in force, and arcs without a grant in the look-back', async () => {
    const { items } = await get('huiting.regulator', 'unpermitted-machines');
    const byId = new Map(items.map((i) => [i.machineId, i]));
    expect(byId.get(fx.m.busy)).toMatchObject({ onlineDaysWithoutPermit: 2, arcsWithoutGrant: 0 });
    // three arcs without a grant in the look-back (07, 08 and 10 March), not the one of January
    expect(byId.get(fx.m.rogue)).toMatchObject({ arcsWithoutGrant: 3 });
    expect(new Date(byId.get(fx.m.rogue)!.lastArcWithoutGrantAt).toISOString()).toBe('2026-03-10T01:00:00.000Z');
    expect(byId.get(fx.m.rogue)).toMatchObject({ onlineDaysWithoutPermit: 1 });
    expect(byId.get(fx.m.rare)).toMatchObject({ onlineDaysWithoutPermit: 1, arcsWithoutGrant: 0 }); // 20 Feb
    expect(byId.has(fx.m.covered)).toBe(false);
    expect(byId.has(fx.m.unchipped)).toBe(false);
  });

  it('judges over the look-back asked for', async () => {
    // 7 days: 4–10 March. busy: heard 5 and 9 March with no permit; rare's 20 February falls outside; rogue's
    // January arc too, and its 7 March arc lies inside the idle permit's window, which ended inside the look-back.
    const week = await get('huiting.regulator', 'unpermitted-machines', 'days=7');
    const byId = new Map(week.items.map((i) => [i.machineId, i]));
    expect(byId.get(fx.m.busy)).toMatchObject({ onlineDaysWithoutPermit: 2 });
    expect(byId.get(fx.m.rogue)).toMatchObject({ arcsWithoutGrant: 3, onlineDaysWithoutPermit: 1 });
    expect(byId.has(fx.m.rare)).toBe(false);
    // 2 days (9–10 March): the idle permit ended on 7 March, before the look-back.
    expect((await get('huiting.regulator', 'idle-permits', 'days=2')).items).toEqual([]);
  });

  it('lists welding-heavy enterprises with no machine or no welder, not other industries', async () => {
    const { items } = await get('xiayi.regulator', 'empty-enterprises');
    const byId = new Map(items.map((i) => [i.enterpriseId, i]));
    expect(byId.get(fx.matou)).toMatchObject({ machines: 0, welders: 0, industry: '建筑业', regionName: '马头镇' });
    expect(byId.has(fx.wholesale)).toBe(false);
    expect(byId.has(fx.huiting)).toBe(false);
  });

  it("lists active welders without a valid certificate by the welders module's rule", async () => {
    const { items } = await get('huiting.regulator', 'uncertified-welders');
    const byId = new Map(items.map((i) => [i.welderId, i]));
    expect(byId.get(fx.w.none)).toMatchObject({ certificateState: 'none', welderName: '无证焊工' });
    expect(byId.get(fx.w.expired)).toMatchObject({ certificateState: 'expired' });
    expect(new Date(byId.get(fx.w.expired)!.lastPermitStart).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(byId.get(fx.w.none)).toMatchObject({ lastPermitStart: null, lastGrantAt: null });
    expect(byId.get(fx.w.overdue)).toMatchObject({ certificateState: 'review_overdue' });
    for (const nearMiss of [fx.w.valid, fx.w.gone, fx.w.due]) expect(byId.has(nearMiss)).toBe(false);
    // the same verdict the welder ledger shows
    for (const w of [fx.w.none, fx.w.expired, fx.w.overdue, fx.w.valid]) {
      const res = await t.http.get(`/api/welders/${w}`).set(await t.auth('huiting.regulator'));
      expect(res.status).toBe(200);
      if (byId.has(w)) expect(res.body.certificateState).toBe(byId.get(w)!.certificateState);
      else expect(['valid', 'expiring_90d']).toContain(res.body.certificateState);
    }
  });

  it('lists certificates whose review window opened or whose review is overdue', async () => {
    const { items } = await get('huiting.regulator', 'review-due-certificates');
    const byId = new Map(items.map((i) => [i.certificateId, i]));
    expect(byId.get(fx.c.due)).toMatchObject({
      reviewState: 'due',
      reviewDueOn: '2026-04-09',
      welderName: '待复审焊工',
    });
    expect(byId.get(fx.c.overdue)).toMatchObject({ reviewState: 'overdue' });
    expect(byId.has(fx.c.later)).toBe(false);
    expect(byId.has(fx.c.valid)).toBe(false);
  });

  it('lists permits that ended with no arc while their machine arced elsewhere', async () => {
    const { items } = await get('huiting.regulator', 'idle-permits');
    expect(items.map((i) => [i.permitId, i.machineId, i.arcsElsewhere])).toEqual([[fx.p.idle, fx.m.rogue, 1]]);
    expect(new Date(items[0].firstArcElsewhereAt).toISOString()).toBe('2026-03-07T06:00:00.000Z');
  });

  it('lists public reports of the last year that named an enterprise, not rejected ones', async () => {
    const { items } = await get('huiting.regulator', 'reported-enterprises');
    expect(ids(items, 'reportId')).toEqual([fx.r.verified]);
    expect(items[0]).toMatchObject({ status: 'verified', enterpriseId: fx.huiting });
  });

  it('ranks enterprises by the documented weights and shows which signals contributed', async () => {
    const { items } = await get('xiayi.regulator', 'ranking');
    const top = items.find((i) => i.enterpriseId === fx.huiting)!;
    const points = (signal: keyof typeof RANKING_WEIGHTS, n: number) =>
      Math.min(n * RANKING_WEIGHTS[signal].points, RANKING_WEIGHTS[signal].cap);
    const expected = {
      unchipped_machines: 1,
      silent_machines: 2,
      online_days_without_permit: 2 + 1 + 1, // busy: 2 days; rare: 20 Feb; rogue: 8 March
      arcs_without_grant: 3,
      uncertified_welders: 3,
      review_due_certificates: 2,
      idle_permits: 1,
      public_reports: 1,
    } as const;
    expect(Object.fromEntries(top.signals.map((s) => [s.signal, s.count]))).toEqual(expected);
    for (const s of top.signals) expect(s.points).toBe(points(s.signal, s.count));
    expect(top.score).toBe(
      Object.entries(expected).reduce((a, [k, n]) => a + points(k as keyof typeof RANKING_WEIGHTS, n), 0),
    );
    expect(top.rank).toBe(1);
    const matou = items.find((i) => i.enterpriseId === fx.matou)!;
    expect(Object.fromEntries(matou.signals.map((s) => [s.signal, s.count]))).toEqual({
      no_machines: 1,
      no_welders: 1,
      public_reports: 1,
    });
    expect(items.some((i) => i.enterpriseId === fx.wholesale)).toBe(false);
    // best first
    const scores = items.map((i) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('ranks the default look-back from the counted signals, exactly as counting them now, and says when', async () => {
    const users = [
      ['xiayi.regulator', ''],
      ['huiting.regulator', ''],
      ['xiayi.regulator', `industry=${encodeURIComponent('金属制品业')}`],
      ['xiayi.regulator', 'regionCode=411426101'],
      ['admin', ''],
    ];
    const stored = [];
    for (const [user, query] of users) {
      const r = await get(user, 'ranking', query);
      expect(r.items.length).toBeGreaterThan(0);
      for (const i of r.items) expect(i.countedAt).toBe(NOW.toISOString());
      stored.push(r);
    }
    const job = t.app.get(RankingSignalsJob);
    const last = await t.ds.query(`SELECT * FROM off_platform_signal_refreshes`);
    await t.ds.query(`DELETE FROM off_platform_signal_refreshes`); // none counted: the ranking counts now
    const withoutCountedAt = (r: { items: Item[] }) => r.items.map(({ countedAt: _c, ...rest }) => rest);
    for (const [i, [user, query]] of users.entries()) {
      const live = await get(user, 'ranking', query);
      for (const item of live.items) expect(item.countedAt).toBeNull();
      expect(withoutCountedAt(live)).toEqual(withoutCountedAt(stored[i]));
      expect(live.total).toBe(stored[i].total);
    }
    await t.ds.query(
      `INSERT INTO off_platform_signal_refreshes SELECT * FROM json_populate_record(NULL::off_platform_signal_refreshes, $1)`,
      [JSON.stringify(last[0])],
    );

    // A new report counts at once in another look-back (counted for the request), in the default one at the next count.
    const before = await get('xiayi.regulator', 'ranking');
    const score = (r: { items: Item[] }) => r.items.find((i) => i.enterpriseId === fx.wholesale)?.score ?? 0;
    const added = await report(t, fx.wholesale, 'received', cst('2026-03-09'));
    expect(score(await get('xiayi.regulator', 'ranking'))).toBe(score(before));
    expect(score(await get('xiayi.regulator', 'ranking', 'days=29'))).toBeGreaterThan(score(before));
    expect(await job.refresh()).toBeNull(); // counted moments ago: the job's tick skips
    clock.advance(301_000);
    expect(await job.refresh()).not.toBeNull();
    expect(score(await get('xiayi.regulator', 'ranking'))).toBeGreaterThan(score(before));
    await t.ds.query(`DELETE FROM reports WHERE id = $1`, [added]);
    clock.set(NOW);
    await job.refresh(true);
  });

  it('lists the default look-back’s machines as judged with the ranking, exactly as judging them now, and says when', async () => {
    const asked = [
      ['xiayi.regulator', ''],
      ['huiting.regulator', ''],
      ['xiayi.regulator', `industry=${encodeURIComponent('金属制品业')}`],
      ['xiayi.regulator', 'regionCode=411426101'],
      ['huiting.regulator', 'regionCode=411426101'],
      ['admin', ''],
    ];
    const lists = ['silent-machines', 'unpermitted-machines'];
    const stored = [];
    for (const list of lists)
      for (const [user, query] of asked) {
        const r = await get(user, list, query);
        for (const i of r.items) expect(i.judgedAt).toBe(NOW.toISOString());
        stored.push(r);
      }
    expect(stored.some((r) => r.items.length > 0)).toBe(true);
    const last = await t.ds.query(`SELECT * FROM off_platform_signal_refreshes`);
    await t.ds.query(`DELETE FROM off_platform_signal_refreshes`); // none judged: the lists judge now
    const withoutJudgedAt = (r: { items: Item[] }) => r.items.map(({ judgedAt: _j, ...rest }) => rest);
    let k = 0;
    for (const list of lists)
      for (const [user, query] of asked) {
        const live = await get(user, list, query);
        for (const item of live.items) expect(item.judgedAt).toBeNull();
        expect(withoutJudgedAt(live)).toEqual(withoutJudgedAt(stored[k]));
        expect(live.total).toBe(stored[k++].total);
      }
    await t.ds.query(
      `INSERT INTO off_platform_signal_refreshes SELECT * FROM json_populate_record(NULL::off_platform_signal_refreshes, $1)`,
      [JSON.stringify(last[0])],
    );

    // An enterprise moved to another township leaves its old township regulator's stored list at once.
    await t.ds.query(
      `UPDATE enterprises SET region_code = r.code, region_path = r.path FROM regions r WHERE r.code = '411426101' AND enterprises.id = $1`,
      [fx.huiting],
    );
    expect(ids((await get('huiting.regulator', 'silent-machines')).items, 'enterpriseId')).not.toContain(fx.huiting);
    await t.ds.query(
      `UPDATE enterprises SET region_code = r.code, region_path = r.path FROM regions r WHERE r.code = '411426100' AND enterprises.id = $1`,
      [fx.huiting],
    );
    expect(ids((await get('huiting.regulator', 'silent-machines')).items, 'enterpriseId')).toContain(fx.huiting);

    // A machine registered since: on a list judged now at once (another look-back), on the stored one at the next judging.
    const added = await machine(t, fx.huiting, '新登记未加芯焊机');
    expect(ids((await get('huiting.regulator', 'silent-machines')).items, 'machineId')).not.toContain(added);
    expect(ids((await get('huiting.regulator', 'silent-machines', 'days=29')).items, 'machineId')).toContain(added);
    await t.app.get(RankingSignalsJob).refresh(true);
    expect(ids((await get('huiting.regulator', 'silent-machines')).items, 'machineId')).toContain(added);
    await t.ds.query(`DELETE FROM machines WHERE id = $1`, [added]);
    await t.app.get(RankingSignalsJob).refresh(true);
  });

  it('scopes every list to the regulator’s region, and filters by township and industry', async () => {
    const township = await get('huiting.regulator', 'ranking');
    expect(ids(township.items, 'enterpriseId')).not.toContain(fx.matou);
    const empty = await get('huiting.regulator', 'empty-enterprises');
    expect(ids(empty.items, 'enterpriseId')).not.toContain(fx.matou);
    // the township regulator naming another township gets nothing from it
    const other = await get('huiting.regulator', 'reported-enterprises', 'regionCode=411426101');
    expect(other.items).toEqual([]);
    const county = await get('xiayi.regulator', 'reported-enterprises', 'regionCode=411426101');
    expect(ids(county.items, 'reportId')).toEqual([fx.r.matou]);
    const byIndustry = await get('xiayi.regulator', 'silent-machines', `industry=${encodeURIComponent('建筑业')}`);
    expect(byIndustry.items.every((i) => i.industry === '建筑业')).toBe(true);
    expect(ids(byIndustry.items, 'machineId')).not.toContain(fx.m.unchipped);
    const industries = await get('huiting.regulator', 'industries');
    expect(industries.industries).toEqual(expect.arrayContaining(['金属制品业', '批发业']));
    expect(industries.industries).not.toContain('建筑业');
  });

  it('pages in SQL: a page and the total', async () => {
    const all = await get('huiting.regulator', 'silent-machines');
    const res = await t.http
      .get('/api/off-platform/silent-machines?page=2&pageSize=1')
      .set(await t.auth('huiting.regulator'));
    expect(res.body).toMatchObject({ total: all.total, page: 2, pageSize: 1 });
    expect(res.body.items).toEqual([all.items[1]]);
    const beyond = await t.http
      .get('/api/off-platform/silent-machines?page=50&pageSize=10')
      .set(await t.auth('huiting.regulator'));
    expect(beyond.body).toMatchObject({ items: [], total: all.total });
  });

  it('refuses enterprise users and welders', async () => {
    for (const user of ['hengda.admin', 'hengda.safety', 'welder.zhang'])
      for (const path of ['ranking', 'silent-machines', 'export.xlsx?list=silent-machines']) {
        const res = await t.http.get(`/api/off-platform/${path}`).set(await t.auth(user));
        expect(res.status).toBe(403);
      }
  });

  const workbook = async (user: string, list: string, query = '') => {
    const res = await t.http
      .get(`/api/off-platform/export.xlsx?list=${list}&${query}`)
      .set(await t.auth(user))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: ws.name, rows, disposition: res.headers['content-disposition'] };
  };

  it('exports a list with Chinese headers and labels, and the ranking with its signals; audited', async () => {
    const silent = await workbook('huiting.regulator', 'silent-machines');
    expect(silent.name).toBe('未加芯或不上线焊机');
    expect(silent.rows[0]).toEqual(expect.arrayContaining(['单位', '乡镇', '行业', '焊机', '线索']));
    const reasons = silent.rows.slice(1).map((r) => r[silent.rows[0].indexOf('线索')]);
    expect(reasons).toEqual(expect.arrayContaining(['未加芯', '加芯后从未上线', '加芯后极少上线']));
    expect(silent.rows.length - 1).toBe((await get('huiting.regulator', 'silent-machines')).total);
    expect(silent.disposition).toContain('off-platform-silent-machines-2026-03-10.xlsx');

    const ranking = await workbook('xiayi.regulator', 'ranking');
    const header = ranking.rows[0];
    const top = ranking.rows.find((r) => r[header.indexOf('单位')] === '会亭审计测试钢构厂')!;
    expect(top[header.indexOf('排名')]).toBe(1);
    expect(String(top[header.indexOf('得分构成')])).toContain('无授权起弧 3（9分）');

    const welders = await workbook('huiting.regulator', 'uncertified-welders');
    const wh = welders.rows[0];
    const none = welders.rows.find((r) => r[wh.indexOf('焊工')] === '无证焊工')!;
    expect(none[wh.indexOf('证书状态')]).toBe('无证');
    expect(none[wh.indexOf('身份证号')]).toBe('411426********0011');

    // Streamed, and audited as the other exports are: the list, the rows written, a complete download.
    const audited = await t.ds.query(`SELECT after FROM audit_log WHERE action = 'off_platform.export' ORDER BY id`);
    expect(audited.map((a: { after: object }) => a.after)).toEqual([
      expect.objectContaining({ list: 'silent-machines', rows: silent.rows.length - 1, complete: true }),
      expect.objectContaining({ list: 'ranking', rows: ranking.rows.length - 1, complete: true }),
      expect.objectContaining({ list: 'uncertified-welders', rows: welders.rows.length - 1, complete: true }),
    ]);
  });

  it('says in the workbook when a list judged in the background was judged, and when it was judged for the export', async () => {
    await t.app.get(RankingSignalsJob).refresh(true);
    const stored = await workbook('huiting.regulator', 'silent-machines');
    const at = stored.rows[0].indexOf('名单判定于');
    expect(stored.rows.length).toBeGreaterThan(1);
    expect(new Set(stored.rows.slice(1).map((r) => r[at]))).toEqual(new Set([chinaDateTime(NOW)]));
    // Another look-back is judged for the request.
    const now = await workbook('huiting.regulator', 'silent-machines', 'days=29');
    expect(now.rows.length).toBeGreaterThan(1);
    expect(new Set(now.rows.slice(1).map((r) => r[at]))).toEqual(new Set(['导出时判定']));
  });

  // After the list tests: it adds 5,100 machines: several fetches of the export's cursor (1,000 rows each), past the old 5,000-row
  // cap (refused with 422 before), and every row mapped to its view in the worker.
  it('exports every suspect of a large list, streamed in batches, in the list order', async () => {
    const big = await enterprise(t, '马头审计测试大厂', '钢结构', '411426101');
    await t.ds.query(
      `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
       SELECT $1, '批量焊机' || g, 'electric_arc', '测试厂', 'T-1', 'SN-BULK-' || g, 'registered' FROM generate_series(1, 5100) g`,
      [big],
    );
    await t.app.get(RankingSignalsJob).refresh(true); // the default look-back's list is the one judged with the ranking
    const list = await get('xiayi.regulator', 'silent-machines', 'regionCode=411426101');
    expect(list.total).toBeGreaterThan(5100);
    const file = await workbook('xiayi.regulator', 'silent-machines', 'regionCode=411426101');
    expect(file.rows.length - 1).toBe(list.total);
    const h = file.rows[0];
    const firstPage = list.items.map((i) => i.machineName);
    expect(file.rows.slice(1, 1 + firstPage.length).map((r) => r[h.indexOf('焊机')])).toEqual(firstPage);
    const bulk = file.rows.filter((r) => r[h.indexOf('单位')] === '马头审计测试大厂');
    expect(bulk).toHaveLength(5100);
    expect(new Set(bulk.map((r) => r[h.indexOf('线索')]))).toEqual(new Set(['未加芯']));
  });

  it('rejects an unknown list and a look-back beyond the limit', async () => {
    const h = await t.auth('xiayi.regulator');
    expect((await t.http.get('/api/off-platform/export.xlsx?list=everything').set(h)).status).toBe(400);
    expect((await t.http.get('/api/off-platform/export.xlsx').set(h)).status).toBe(400);
    expect((await t.http.get('/api/off-platform/ranking?days=400').set(h)).status).toBe(400);
  });
});
