import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { BlackoutsService } from './blackouts.service';

type Fields = { field: string; code: string }[];
const fieldCodes = (body: { error: { fields?: Fields } }) =>
  (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);

const HUITING = '/411426/411426100/';
const MATOU = '/411426/411426101/';
const HUITING_VILLAGE = '/411426/411426100/411426100201/';
const S = '2026-02-10T00:00:00+08:00';
const E = '2026-02-18T00:00:00+08:00';

describe('blackouts', () => {
  let t: TestApp;
  let svc: BlackoutsService;
  const ids: Record<string, string> = {};

  const declare = async (user: string, body: Record<string, unknown>) =>
    t.http
      .post('/api/blackouts')
      .set(await t.auth(user))
      .send(body);
  const listIds = async (user: string, query = '') => {
    const res = await t.http.get(`/api/blackouts?pageSize=200${query}`).set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body.items.map((b: { id: string }) => b.id) as string[];
  };

  beforeAll(async () => {
    t = await createTestApp({ clock: new FakeClock(new Date('2026-02-01T00:00:00Z')) });
    svc = t.app.get(BlackoutsService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('regulators declare for their own region or below; audited', async () => {
    const own = await declare('huiting.regulator', {
      regionCode: '411426100',
      kind: 'high_wind',
      startsAt: S,
      endsAt: E,
      reason: '六级大风，停止露天动火',
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      regionCode: '411426100',
      regionPath: HUITING,
      kind: 'high_wind',
      effect: 'ban',
      status: 'scheduled',
      startsAt: '2026-02-09T16:00:00.000Z',
      endsAt: '2026-02-17T16:00:00.000Z',
    });
    ids.huiting = own.body.id;
    const village = await declare('huiting.regulator', {
      regionCode: '411426100201',
      kind: 'other',
      startsAt: S,
      endsAt: E,
      reason: '村庄集市',
    });
    expect(village.status).toBe(201);
    ids.village = village.body.id;
    const county = await declare('xiayi.regulator', {
      regionCode: '411426',
      kind: 'special_period',
      startsAt: '2026-03-01T00:00:00+08:00',
      endsAt: '2026-03-08T00:00:00+08:00',
      reason: '全国两会期间',
    });
    expect(county.status).toBe(201);
    ids.county = county.body.id;
    const matou = await declare('admin', {
      regionCode: '411426101',
      kind: 'special_period',
      startsAt: S,
      endsAt: E,
      reason: '春节',
    });
    expect(matou.status).toBe(201);
    ids.matou = matou.body.id;
    const [audit] = await t.ds.query(
      `SELECT action, actor_role, region_path, after FROM audit_log WHERE entity_type = 'blackout' AND entity_id = $1`,
      [ids.huiting],
    );
    expect(audit).toMatchObject({
      action: 'blackout.declare',
      actor_role: 'regulator',
      region_path: HUITING,
      after: { regionCode: '411426100', kind: 'high_wind' },
    });
  });

  it('a township regulator cannot declare for a sibling township nor for the county; enterprises cannot declare', async () => {
    for (const regionCode of ['411426101', '411426']) {
      const res = await declare('huiting.regulator', {
        regionCode,
        kind: 'other',
        startsAt: S,
        endsAt: E,
        reason: '越权',
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(fieldCodes(res.body)).toEqual(['regionCode:outsideYourRegion']);
    }
    expect(
      (await declare('hengda.admin', { regionCode: '411426100', kind: 'other', startsAt: S, endsAt: E, reason: 'x' }))
        .status,
    ).toBe(403);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM blackouts`))[0].n).toBe(4);
  });

  it('applies to the declared region subtree, from startsAt (inclusive) to endsAt (exclusive)', async () => {
    const start = new Date(S).getTime();
    const end = new Date(E).getTime();
    expect(await svc.findActiveFor(HUITING, new Date(start - 1))).toBeNull();
    expect((await svc.findActiveFor(HUITING, new Date(start)))?.id).toBe(ids.huiting);
    expect((await svc.findActiveFor(HUITING, new Date(end - 1)))?.id).toBe(ids.huiting);
    expect(await svc.findActiveFor(HUITING, new Date(end))).toBeNull();
    // A village inside 会亭镇 is covered by its own and by the township's; 马头镇 only by its own.
    expect([ids.huiting, ids.village]).toContain((await svc.findActiveFor(HUITING_VILLAGE, new Date(start)))?.id);
    expect((await svc.findActiveFor(MATOU, new Date(start)))?.id).toBe(ids.matou);
    expect(await svc.findActiveFor('/411426/411426001/', new Date(start))).toBeNull();
    // The county-wide one reaches every township.
    expect((await svc.findActiveFor('/411426/411426001/', new Date('2026-03-03T00:00:00Z')))?.id).toBe(ids.county);
    expect((await svc.findActiveFor(HUITING_VILLAGE, new Date('2026-03-03T00:00:00Z')))?.id).toBe(ids.county);
    // A region code that is a textual prefix of another does not cover it.
    expect(await svc.findActiveFor('/4114261/', new Date('2026-03-03T00:00:00Z'))).toBeNull();
  });

  it('lists by scope: regulators covering or inside their region, enterprises and welders what applies to them', async () => {
    const huiting = await listIds('huiting.regulator');
    expect(huiting.sort()).toEqual([ids.huiting, ids.village, ids.county].sort());
    expect((await listIds('xiayi.regulator')).sort()).toEqual(Object.values(ids).sort());
    expect((await listIds('hengda.admin')).sort()).toEqual([ids.huiting, ids.county].sort());
    expect((await listIds('welder.zhang')).sort()).toEqual([ids.huiting, ids.county].sort());
    expect((await t.http.get(`/api/blackouts/${ids.matou}`).set(await t.auth('huiting.regulator'))).status).toBe(404);
    expect((await t.http.get(`/api/blackouts/${ids.county}`).set(await t.auth('hengda.admin'))).status).toBe(200);
    expect((await listIds('admin', '&status=scheduled')).length).toBe(4);
    expect(await listIds('admin', '&status=active')).toEqual([]);
  });

  it('cancel: only by a regulator of the declaring region or above; cancelled blackouts no longer apply', async () => {
    const huiting = await t.auth('huiting.regulator');
    const county = await t.http.post(`/api/blackouts/${ids.county}/cancel`).set(huiting).send({ reason: '越权取消' });
    expect(county.status).toBe(403);
    expect(
      (await t.http.post(`/api/blackouts/${ids.matou}/cancel`).set(huiting).send({ reason: '越权取消' })).status,
    ).toBe(404);
    expect(
      (
        await t.http
          .post(`/api/blackouts/${ids.huiting}/cancel`)
          .set(await t.auth('hengda.admin'))
          .send({ reason: 'x' })
      ).status,
    ).toBe(403);

    const ok = await t.http.post(`/api/blackouts/${ids.huiting}/cancel`).set(huiting).send({ reason: '大风预警解除' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'cancelled', cancelReason: '大风预警解除' });
    const again = await t.http.post(`/api/blackouts/${ids.huiting}/cancel`).set(huiting).send({ reason: '再次' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE');
    // The township one is gone; the village one (same window) still covers the village, not the township.
    expect(await svc.findActiveFor(HUITING, new Date(S))).toBeNull();
    expect((await svc.findActiveFor(HUITING_VILLAGE, new Date(S)))?.id).toBe(ids.village);
    const audit = await t.ds.query(
      `SELECT action, before, after FROM audit_log WHERE entity_type = 'blackout' AND entity_id = $1 ORDER BY id`,
      [ids.huiting],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['blackout.declare', 'blackout.cancel']);
    expect(audit[1]).toMatchObject({ before: { cancelReason: null }, after: { cancelReason: '大风预警解除' } });
    // The county regulator may cancel the township's village blackout (it is inside the county).
    expect(
      (
        await t.http
          .post(`/api/blackouts/${ids.village}/cancel`)
          .set(await t.auth('xiayi.regulator'))
          .send({ reason: '县局统一取消' })
      ).status,
    ).toBe(200);
  });

  it('answers bad input with 4xx and field codes', async () => {
    const good = { regionCode: '411426100', kind: 'high_wind', startsAt: S, endsAt: E, reason: '大风' };
    const cases: [Record<string, unknown>, number, string[]][] = [
      [{ ...good, colour: 'red' }, 400, ['colour:unknownField']],
      [{ ...good, endsAt: S }, 400, ['endsAt:endsNotAfterStarts']],
      [{ ...good, startsAt: E, endsAt: S }, 400, ['endsAt:endsNotAfterStarts']],
      [{ ...good, regionCode: '4114' }, 400, ['regionCode:isRegionCode']],
      [{ ...good, regionCode: '411426999' }, 422, ['regionCode:unknownRegion']],
      [{ ...good, kind: 'rain' }, 400, ['kind:isEnum']],
      [{ ...good, effect: 'soft' }, 400, ['effect:isEnum']],
      [{ ...good, startsAt: '2026-02-10T00:00:00' }, 400, ['startsAt:isInstant']],
      [{ ...good, startsAt: 'tomorrow' }, 400, ['startsAt:isInstant']],
      [{ ...good, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-02T00:00:00Z' }, 400, ['endsAt:inThePast']],
      [{ ...good, endsAt: '2027-03-01T00:00:00Z' }, 400, ['endsAt:tooLong']],
      [{ ...good, reason: '  ' }, 400, ['reason:matches']],
      [{ regionCode: '411426100' }, 400, ['kind:isEnum', 'startsAt:isInstant', 'endsAt:isInstant', 'reason:isString']],
    ];
    for (const [body, status, codes] of cases) {
      const res = await declare('xiayi.regulator', body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(fieldCodes(res.body)).toEqual(expect.arrayContaining(codes));
    }
    const auth = await t.auth('xiayi.regulator');
    const badId = await t.http.post('/api/blackouts/nope/cancel').set(auth).send({ reason: 'x' });
    expect(badId.status).toBe(400);
    expect(fieldCodes(badId.body)).toContain('id:isUuid');
    const noReason = await t.http.post(`/api/blackouts/${ids.county}/cancel`).set(auth).send({ why: 'x' });
    expect(noReason.status).toBe(400);
    expect(fieldCodes(noReason.body)).toEqual(expect.arrayContaining(['reason:isString', 'why:unknownField']));
    expect(fieldCodes((await t.http.get('/api/blackouts?status=soon').set(auth)).body)).toContain('status:isEnum');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM blackouts`))[0].n).toBe(4);
  });
});
