import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { FakeClock } from '../common/clock/clock';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { HazardOverdueScanner } from './hazard-overdue.scanner';
import { HazardsRepository } from './hazards.repository';

jest.setTimeout(120_000);

const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('site photo'),
  Buffer.from([0xff, 0xd9]),
]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('evidence')]);
const DAY = 86_400_000;

type Body = Record<string, unknown> & { error?: { code: string; fields?: { field: string; code: string }[] } };

describe('hazard register (隐患台账)', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date('2026-06-01T02:00:00Z'));
  const inDays = (n: number) => new Date(clock.now().getTime() + n * DAY).toISOString();
  const post = async (user: string, path: string, body: Record<string, unknown> = {}) =>
    t.http
      .post(`/api/hazards${path}`)
      .set(await t.auth(user))
      .send(body);
  const get = async (user: string, path: string) => t.http.get(`/api/hazards${path}`).set(await t.auth(user));
  const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
  const alertFor = (type: AlertType) =>
    t.app.get(AlertsService).raise({
      type,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      welderId: ids.zhang,
      evidence: { test: type },
      dedupeKey: `hazard-spec:${type}`,
    });
  /** A general or major hazard of 恒达, registered by 会亭镇 from a fresh alert. */
  const registered = async (type: AlertType, level: 'general' | 'major') => {
    const alert = await alertFor(type);
    const res = await post('huiting.regulator', `/from-alert/${alert.id}`, { level });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** Ordered by 会亭镇, rectified by 恒达, verified by 会亭镇: waiting for the sign-off. */
  const verified = async (type: AlertType, level: 'general' | 'major') => {
    const id = await registered(type, level);
    expect((await post('huiting.regulator', `/${id}/order`, { deadline: inDays(7), note: '限期整改' })).status).toBe(
      200,
    );
    expect((await post('hengda.safety', `/${id}/rectify`, { note: '已整改完毕' })).status).toBe(200);
    const v = await post('huiting.regulator', `/${id}/verify`, { passed: true, onSite: true, note: '现场复查合格' });
    expect(v.status).toBe(200);
    expect(v.body.state).toBe('verified');
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    const admin = await t.auth('admin');
    for (const u of [
      { username: 'huiting.second', role: 'regulator', regionCode: '411426100' },
      { username: 'matou.regulator', role: 'regulator', regionCode: '411426101' },
      { username: 'machinery.admin', role: 'enterprise_admin', enterpriseId: ids.machinery },
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

  it("registers an enterprise's self-inspection with photos and GPS; only its enterprise and its regulators see it", async () => {
    const res = await t.http
      .post('/api/hazards')
      .set(await t.auth('hengda.admin'))
      .field('category', 'fire_equipment_missing')
      .field('level', 'general')
      .field('description', '2号焊机旁未配置灭火器')
      .field('latitude', '34.1721')
      .field('longitude', '116.0012')
      .attach('photos', JPEG, { filename: 'a.jpg', contentType: 'image/jpeg' })
      .attach('photos', PNG, { filename: 'b.png', contentType: 'application/octet-stream' });
    expect(res.status).toBe(201);
    const h = res.body as Body & { id: string; photos: { id: string; contentType: string }[] };
    expect(h).toMatchObject({
      enterpriseId: ids.steel,
      regionName: '会亭镇',
      source: 'self_inspection',
      state: 'open',
      category: 'fire_equipment_missing',
      latitude: 34.1721,
      overdue: false,
    });
    expect(h.photos.map((p) => p.contentType)).toEqual(['image/jpeg', 'image/png']);
    expect(h.timeline).toEqual([
      expect.objectContaining({ step: 'created', actorName: '恒达钢结构安全科', latitude: 34.1721 }),
    ]);

    const photo = await t.http
      .get(`/api/hazards/${h.id}/photos/${h.photos[1].id}`)
      .set(await t.auth('huiting.regulator'));
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);

    for (const [user, status] of [
      ['hengda.safety', 200],
      ['huiting.regulator', 200],
      ['xiayi.regulator', 200],
      ['admin', 200],
      ['matou.regulator', 404],
      ['machinery.admin', 404],
    ] as const)
      expect([user, (await get(user, `/${h.id}`)).status]).toEqual([user, status]);
    expect((await get('welder.zhang', `/${h.id}`)).status).toBe(403);
    expect(
      (await t.http.get(`/api/hazards/${h.id}/photos/${h.photos[0].id}`).set(await t.auth('matou.regulator'))).status,
    ).toBe(404);

    const listed = async (user: string) =>
      ((await get(user, '?pageSize=200')).body.items as { id: string }[]).map((x) => x.id);
    expect(await listed('hengda.admin')).toContain(h.id);
    expect(await listed('machinery.admin')).not.toContain(h.id);
    expect(await listed('matou.regulator')).not.toContain(h.id);
    const filtered = await get(
      'xiayi.regulator',
      `?regionCode=411426100&category=fire_equipment_missing&source=self_inspection`,
    );
    expect(filtered.body.items.map((x: { id: string }) => x.id)).toContain(h.id);
    expect(
      (await get('xiayi.regulator', `?regionCode=411426101`)).body.items.map((x: { id: string }) => x.id),
    ).not.toContain(h.id);

    const [audit] = await t.ds.query(`SELECT * FROM audit_log WHERE action = 'hazard.create' AND entity_id = $1`, [
      h.id,
    ]);
    expect(audit).toMatchObject({ enterprise_id: ids.steel, actor_role: 'enterprise_admin' });
    expect(audit.after).toMatchObject({
      source: 'self_inspection',
      photoCount: 2,
      latitude: 34.1721,
      description: '2号焊机旁未配置灭火器',
    });
    // The audit log names the hazard by its description, for its enterprise and its regulators alike.
    const log = await t.http.get(`/api/audit?entityId=${h.id}`).set(await t.auth('hengda.admin'));
    expect(log.status).toBe(200);
    expect(log.body.items[0].names[h.id]).toBe('2号焊机旁未配置灭火器');
  });

  it('refuses bad photos with the public reports’ strict checks and stores nothing', async () => {
    const before = await count('hazards');
    const fake = await t.http
      .post('/api/hazards')
      .set(await t.auth('hengda.admin'))
      .field('category', 'other')
      .field('level', 'general')
      .field('description', '伪装成照片的文本文件')
      .attach('photos', Buffer.from('not an image at all'), { filename: 'x.jpg', contentType: 'image/jpeg' });
    expect(fake.status).toBe(415);
    expect(fake.body.error.code).toBe('UNSUPPORTED_FILE');
    let many = t.http
      .post('/api/hazards')
      .set(await t.auth('hengda.admin'))
      .field('category', 'other')
      .field('level', 'general')
      .field('description', '照片超过三张');
    for (let i = 0; i < 4; i++) many = many.attach('photos', JPEG, { filename: `${i}.jpg`, contentType: 'image/jpeg' });
    const tooMany = await many;
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toEqual([expect.objectContaining({ field: 'photos', code: 'arrayMaxSize' })]);
    const foreign = await post('hengda.admin', '', {
      category: 'other',
      level: 'general',
      description: '为别的企业上报',
      enterpriseId: ids.machinery,
    });
    expect(foreign.status).toBe(404);
    const half = await post('hengda.admin', '', {
      category: 'other',
      level: 'general',
      description: '只有纬度',
      latitude: 34,
    });
    expect(half.status).toBe(400);
    expect(await count('hazards')).toBe(before);
  });

  it("records a regulator's inspection finding only for an enterprise in the regulator's region", async () => {
    const body = {
      category: 'fire_watch_missing',
      level: 'general',
      description: '动火作业现场无监护人',
      enterpriseId: ids.steel,
    };
    const mine = await post('huiting.regulator', '', { ...body, machineId: ids.steelMachine2 });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ source: 'inspection', machineId: ids.steelMachine2 });
    expect((await post('matou.regulator', '', body)).status).toBe(404);
    const noEnterprise = await post('huiting.regulator', '', { ...body, enterpriseId: undefined });
    expect(noEnterprise.status).toBe(400);
    const foreignMachine = await post('huiting.regulator', '', { ...body, machineId: ids.machineryMachine });
    expect(foreignMachine.status).toBe(400);
    expect(foreignMachine.body.error.fields[0]).toMatchObject({ field: 'machineId', code: 'notOfEnterprise' });
    const badCategory = await post('huiting.regulator', '', { ...body, category: 'UNLICENSED' });
    expect(badCategory.status).toBe(400);
  });

  it('turns a platform alert into a hazard in one click (线上巡查执法), once', async () => {
    const alert = await alertFor(AlertType.MACHINE_OVERUSE_24H);
    expect((await post('matou.regulator', `/from-alert/${alert.id}`, { level: 'general' })).status).toBe(404);
    expect((await post('hengda.admin', `/from-alert/${alert.id}`, { level: 'general' })).status).toBe(403);
    const res = await post('huiting.regulator', `/from-alert/${alert.id}`, { level: 'general' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      source: 'platform_alert',
      sourceAlertId: alert.id,
      category: 'machine_overuse',
      machineId: ids.steelMachine1,
      welderId: ids.zhang,
      welderName: '张伟',
      description: '设备单日运行超过24小时',
      state: 'open',
    });
    const again = await post('huiting.regulator', `/from-alert/${alert.id}`, { level: 'major' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DUPLICATE');
    const bySource = await get('huiting.regulator', `?sourceAlertId=${alert.id}`);
    expect(bySource.body.items.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
  });

  it('turns only a confirmed public report into a hazard, and never tells the enterprise which report', async () => {
    const submitted = await t.http.post('/api/public/reports').send({
      description: '会亭镇工业园有人无证焊接钢架',
      regionCode: '411426100',
      latitude: 34.17,
      longitude: 116.0,
    });
    expect(submitted.status).toBe(201);
    const [{ id: reportId }] = await t.ds.query('SELECT id FROM reports WHERE tracking_code = $1', [
      submitted.body.trackingCode,
    ]);
    const body = { category: 'unlicensed_welding', level: 'general', enterpriseId: ids.steel };
    const early = await post('huiting.regulator', `/from-report/${reportId}`, body);
    expect(early.status).toBe(409);
    expect(early.body.error.details).toMatchObject({ reason: 'report_not_confirmed' });
    for (const to of ['verifying', 'verified']) {
      const r = await t.http
        .post(`/api/reports/${reportId}/transition`)
        .set(await t.auth('huiting.regulator'))
        .send({ to, note: '现场核实属实' });
      expect(r.status).toBe(200);
    }
    expect(
      (await post('huiting.regulator', `/from-report/${reportId}`, { ...body, enterpriseId: undefined })).status,
    ).toBe(400);
    expect(
      (await post('matou.regulator', `/from-report/${reportId}`, { ...body, enterpriseId: ids.machinery })).status,
    ).toBe(404);
    const res = await post('huiting.regulator', `/from-report/${reportId}`, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      source: 'public_report',
      sourceReportId: reportId,
      description: '会亭镇工业园有人无证焊接钢架',
      latitude: 34.17,
    });
    expect((await post('huiting.regulator', `/from-report/${reportId}`, body)).status).toBe(409);
    const seen = await get('hengda.admin', `/${res.body.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ source: 'public_report', sourceReportId: null });
  });

  it('runs order → rectify with evidence → verify → sign-off by someone else, each step audited with who and where', async () => {
    const id = await registered(AlertType.ARC_WITHOUT_GRANT, 'general');
    // Only the regulator orders, only the enterprise rectifies.
    expect((await post('hengda.admin', `/${id}/order`, { deadline: inDays(7), note: '自己下令' })).status).toBe(403);
    expect((await post('matou.regulator', `/${id}/order`, { deadline: inDays(7), note: '别的镇' })).status).toBe(404);
    const past = await post('huiting.regulator', `/${id}/order`, { deadline: inDays(-1), note: '已过期限' });
    expect(past.status).toBe(400);
    expect((await post('hengda.admin', `/${id}/rectify`, { note: '尚未下令就整改' })).status).toBe(409);

    const ordered = await post('huiting.regulator', `/${id}/order`, {
      deadline: inDays(7),
      note: '责令7日内整改',
      latitude: 34.1722,
      longitude: 116.0013,
    });
    expect(ordered.status).toBe(200);
    expect(ordered.body).toMatchObject({ state: 'ordered', deadline: inDays(7), overdue: false });
    expect(ordered.body.actions).toEqual({
      order: false,
      rectify: false,
      verify: false,
      signOff: false,
      recordMeasure: true,
    });
    expect((await get('hengda.safety', `/${id}`)).body.actions).toMatchObject({ rectify: true, order: false });

    expect((await post('huiting.regulator', `/${id}/rectify`, { note: '监管代整改' })).status).toBe(403);
    expect((await post('machinery.admin', `/${id}/rectify`, { note: '别的企业' })).status).toBe(404);
    const rect = await t.http
      .post(`/api/hazards/${id}/rectify`)
      .set(await t.auth('hengda.safety'))
      .field('note', '已加装芯片联锁，拆除旁路线')
      .attach('photos', JPEG, { filename: 'after.jpg', contentType: 'image/jpeg' });
    expect(rect.status).toBe(200);
    expect(rect.body.state).toBe('rectified');
    expect(rect.body.photos).toHaveLength(1);

    // The enterprise cannot verify or sign off its own hazard; sign-off needs a verification first.
    expect((await post('hengda.admin', `/${id}/verify`, { passed: true, onSite: false, note: '自验' })).status).toBe(
      403,
    );
    expect((await post('hengda.admin', `/${id}/sign-off`, { approve: true, note: '自销号' })).status).toBe(403);
    const unverified = await post('xiayi.regulator', `/${id}/sign-off`, { approve: true, note: '未核查即销号' });
    expect(unverified.status).toBe(409);
    expect(unverified.body.error.code).toBe('INVALID_STATE');

    const v = await post('huiting.regulator', `/${id}/verify`, {
      passed: true,
      onSite: true,
      note: '现场复查合格',
      latitude: 34.1721,
      longitude: 116.0012,
    });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ state: 'verified', actions: { signOff: false }, signOffBlockedBy: 'handler' });

    // The same person who verified (and ordered) may not sign off.
    const self = await post('huiting.regulator', `/${id}/sign-off`, { approve: true, note: '本人销号' });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('SIGN_OFF_BY_HANDLER');
    expect((await post('matou.regulator', `/${id}/sign-off`, { approve: true, note: '别的镇' })).status).toBe(404);

    expect((await get('huiting.second', `/${id}`)).body).toMatchObject({
      actions: { signOff: true },
      signOffBlockedBy: null,
    });
    const done = await post('huiting.second', `/${id}/sign-off`, { approve: true, note: '审核同意销号' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'signed_off', signedOffAt: clock.now().toISOString() });
    expect(done.body.timeline.map((e: { step: string }) => e.step)).toEqual([
      'created',
      'ordered',
      'rectified',
      'verified',
      'signed_off',
    ]);
    expect((await post('xiayi.regulator', `/${id}/sign-off`, { approve: true, note: '再次销号' })).status).toBe(409);

    const audit = await t.ds.query(
      `SELECT action, actor_role, after FROM audit_log WHERE entity_type = 'hazard' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'hazard.create',
      'hazard.order',
      'hazard.rectify',
      'hazard.verify',
      'hazard.sign_off',
    ]);
    expect(audit[1].after).toMatchObject({ state: 'ordered', latitude: 34.1722, longitude: 116.0013 });
    expect(audit[2]).toMatchObject({ actor_role: 'safety_manager', after: { photoCount: 1 } });
    expect(audit[3].after).toMatchObject({ onSite: true, latitude: 34.1721 });
    const [row] = await t.ds.query('SELECT signed_off_by, verified_by, handler_ids FROM hazards WHERE id = $1', [id]);
    const userId = async (u: string) => (await t.ds.query('SELECT id FROM users WHERE username = $1', [u]))[0].id;
    expect(row.signed_off_by).toBe(await userId('huiting.second'));
    expect(row.verified_by).toBe(await userId('huiting.regulator'));
    expect(row.handler_ids).toEqual([await userId('huiting.regulator')]);
  });

  it('lets only a county-level regulator sign off a major hazard', async () => {
    const id = await verified(AlertType.UNLICENSED_ATTEMPT, 'major');
    const township = await post('huiting.second', `/${id}/sign-off`, { approve: true, note: '镇级销号重大隐患' });
    expect(township.status).toBe(403);
    expect(township.body.error.code).toBe('SIGN_OFF_NEEDS_COUNTY');
    expect((await get('huiting.second', `/${id}`)).body.signOffBlockedBy).toBe('county_only');
    const county = await post('xiayi.regulator', `/${id}/sign-off`, { approve: true, note: '县局审核销号' });
    expect(county.status).toBe(200);
    expect(county.body.state).toBe('signed_off');
  });

  it('sends an item back from verification and from sign-off, with a new deadline; whoever sent it back cannot sign it off later', async () => {
    const id = await registered(AlertType.OVER_CURRENT, 'general');
    await post('huiting.regulator', `/${id}/order`, { deadline: inDays(3), note: '限期整改' });
    await post('hengda.admin', `/${id}/rectify`, { note: '已更换焊机' });
    const back = await post('huiting.regulator', `/${id}/verify`, {
      passed: false,
      onSite: false,
      note: '照片不清，重新整改',
      deadline: inDays(10),
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ state: 'ordered', deadline: inDays(10) });
    await post('hengda.admin', `/${id}/rectify`, { note: '补充整改材料' });
    expect(
      (await post('huiting.regulator', `/${id}/verify`, { passed: true, onSite: false, note: '书面核查合格' })).status,
    ).toBe(200);
    const returned = await post('huiting.second', `/${id}/sign-off`, { approve: false, note: '材料不全，退回' });
    expect(returned.status).toBe(200);
    expect(returned.body.state).toBe('ordered');
    expect(returned.body.timeline.map((e: { step: string }) => e.step)).toEqual([
      'created',
      'ordered',
      'rectified',
      'returned',
      'rectified',
      'verified',
      'returned',
    ]);
    await post('hengda.admin', `/${id}/rectify`, { note: '材料已补齐' });
    await post('huiting.regulator', `/${id}/verify`, { passed: true, onSite: true, note: '现场复查合格' });
    const again = await post('huiting.second', `/${id}/sign-off`, { approve: true, note: '销号' });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('SIGN_OFF_BY_HANDLER');
    expect((await post('xiayi.regulator', `/${id}/sign-off`, { approve: true, note: '销号' })).status).toBe(200);
    const actions = await t.ds.query(
      `SELECT action FROM audit_log WHERE entity_type = 'hazard' AND entity_id = $1 AND action = 'hazard.return'`,
      [id],
    );
    expect(actions).toHaveLength(2);
  });

  it('raises an overdue alert once, lists the item as slow progress, records measures, and closes the alert on rectification', async () => {
    const id = await registered(AlertType.TAMPER, 'major');
    await post('huiting.regulator', `/${id}/order`, { deadline: inDays(2), note: '2日内整改' });
    const scanner = t.app.get(HazardOverdueScanner);
    expect(await scanner.scan(clock.now())).toBe(0);

    clock.advance(3 * DAY);
    expect(await scanner.scan(clock.now())).toBeGreaterThanOrEqual(1);
    expect(await scanner.scan(clock.now())).toBe(0);
    const [alert] = await t.ds.query(
      `SELECT * FROM alerts WHERE type = 'HAZARD_OVERDUE' AND evidence->>'hazardId' = $1`,
      [id],
    );
    expect(alert).toMatchObject({
      enterprise_id: ids.steel,
      severity: 'critical',
      state: 'open',
      region_path: '/411426/411426100/',
    });

    // The overdue reminder is about this hazard: it is not turned into a second one.
    const promoted = await post('huiting.regulator', `/from-alert/${alert.id}`, { level: 'major' });
    expect(promoted.status).toBe(409);
    expect(promoted.body.error).toMatchObject({
      code: 'INVALID_STATE',
      details: { reason: 'alert_about_hazard', hazardId: id },
    });

    const overdue = await get('huiting.regulator', '?overdue=true');
    expect(overdue.body.items.map((x: { id: string }) => x.id)).toContain(id);
    expect(overdue.body.items.every((x: { overdue: boolean }) => x.overdue)).toBe(true);

    const slow = await get('xiayi.regulator', '/slow-progress');
    expect(slow.status).toBe(200);
    const steel = slow.body.find((r: { enterpriseId: string }) => r.enterpriseId === ids.steel);
    expect(steel).toMatchObject({
      enterpriseName: '夏邑县恒达钢结构有限公司',
      regionName: '会亭镇',
      majorOverdueCount: 1,
    });
    expect((await get('matou.regulator', '/slow-progress')).body).toEqual([]);
    expect((await get('hengda.admin', '/slow-progress')).status).toBe(403);

    const measure = { enterpriseId: ids.steel, kind: 'interview', note: '约谈企业主要负责人', hazardId: id };
    expect((await post('matou.regulator', '/measures', measure)).status).toBe(404);
    expect((await post('hengda.admin', '/measures', measure)).status).toBe(403);
    expect(
      (await post('huiting.regulator', '/measures', { ...measure, hazardId: undefined, kind: 'fine' })).status,
    ).toBe(400);
    const m = await post('huiting.regulator', '/measures', measure);
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ kind: 'interview', issuedByName: '会亭镇安监站' });
    const after = (await get('xiayi.regulator', '/slow-progress')).body.find(
      (r: { enterpriseId: string }) => r.enterpriseId === ids.steel,
    );
    expect(after.measures).toEqual([expect.objectContaining({ kind: 'interview', note: '约谈企业主要负责人' })]);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'hazard.measure'`))[0].n).toBe(1);

    expect((await post('hengda.admin', `/${id}/rectify`, { note: '逾期后完成整改' })).status).toBe(200);
    const [closed] = await t.ds.query('SELECT state FROM alerts WHERE id = $1', [alert.id]);
    expect(closed.state).toBe('closed');
  });

  it('raises no overdue alert for a hazard rectified after the scan read its list', async () => {
    const alert = await t.app.get(AlertsService).raise({
      type: AlertType.TAMPER,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      evidence: {},
      dedupeKey: 'hazard-spec:stale-scan',
    });
    const promoted = await post('huiting.regulator', `/from-alert/${alert.id}`, { level: 'major' });
    expect(promoted.status).toBe(201);
    const id = promoted.body.id as string;
    await post('huiting.regulator', `/${id}/order`, { deadline: inDays(1), note: '1日内整改' });
    clock.advance(2 * DAY);
    const repo = t.app.get(HazardsRepository);
    // The scan reads its list (up to 500 hazards, handled one by one); the enterprise reports the rectification
    // before the scan reaches this hazard.
    const list = await repo.findOverdueUnalerted(clock.now());
    expect(list.map((h) => h.id)).toContain(id);
    expect((await post('hengda.admin', `/${id}/rectify`, { note: '已整改' })).status).toBe(200);
    const stale = jest.spyOn(repo, 'findOverdueUnalerted').mockResolvedValueOnce(list);
    try {
      await t.app.get(HazardOverdueScanner).scan(clock.now());
    } finally {
      stale.mockRestore();
    }
    const open = await t.ds.query(
      `SELECT id FROM alerts WHERE type = 'HAZARD_OVERDUE' AND evidence->>'hazardId' = $1 AND state <> 'closed'`,
      [id],
    );
    expect(open).toEqual([]);
    const [h] = await t.ds.query('SELECT state, overdue_alerted_for FROM hazards WHERE id = $1', [id]);
    expect(h).toEqual({ state: 'rectified', overdue_alerted_for: null });
  });
});
