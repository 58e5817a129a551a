import { Response } from 'supertest';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { approvedPermit } from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';

const fieldCodes = (res: Response) =>
  (res.body.error?.fields ?? []).map((f: { field: string; code: string }) => `${f.field}:${f.code}`);

describe('ending a welder engagement', () => {
  let t: TestApp;
  let ids: DemoIds;
  // China date 2026-01-04. 陈静 (employed by machinery) is dispatched to steel (恒达) from 2026-01-01, open-ended.
  const clock = new FakeClock(new Date('2026-01-04T02:00:00Z'));
  let chenAtSteel: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    [{ id: chenAtSteel }] = await t.ds.query(
      'SELECT id FROM welder_engagements WHERE welder_id = $1 AND enterprise_id = $2',
      [ids.chen, ids.steel],
    );
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set('2026-01-04T02:00:00Z'));

  const end = async (user: string, body: object, engagementId = chenAtSteel, welderId = ids.chen) =>
    t.http
      .post(`/api/welders/${welderId}/engagements/${engagementId}/end`)
      .set(await t.auth(user))
      .send(body);

  it('checks the new last day: not before the start, not in the past, earlier than the current end', async () => {
    expect(fieldCodes(await end('hengda.admin', { endsOn: '2025-12-31' }))).toEqual(['endsOn:endsBeforeStart']);
    expect(fieldCodes(await end('hengda.admin', { endsOn: '2026-01-03' }))).toEqual(['endsOn:inPast']);
    expect(fieldCodes(await end('hengda.admin', { endsOn: '2026-02-30' }))).toEqual(['endsOn:isCalendarDate']);
    expect(fieldCodes(await end('hengda.admin', { endsOn: '2026-01-20', reason: 'x'.repeat(501) }))).toEqual([
      'reason:maxLength',
    ]);
    expect((await end('hengda.admin', { endsOn: '2026-01-20' }, '00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    expect(fieldCodes(await end('hengda.admin', { endsOn: '2026-01-20' }, 'nope'))).toEqual(['engagementId:isUuid']);
  });

  it('is refused while a permit of the host names the welder past that day, and allowed once it is cancelled', async () => {
    // An approved permit of the host (2026-01-05 09:00-17:00) that names 陈静 too. Her demo certificate has
    // expired, so the permit API would not name her today: she is added as if named while it was valid.
    const permitId = await approvedPermit(t, clock, ids);
    await t.ds.query('INSERT INTO permit_welders (permit_id, welder_id) VALUES ($1, $2)', [permitId, ids.chen]);
    const blocked = await end('hengda.admin', { endsOn: '2026-01-04' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('CONFLICT');
    expect(fieldCodes(blocked)).toEqual(['endsOn:permitNamesWelder']);
    expect(blocked.body.error.fields[0].message).toContain(permitId);
    // The permit's own last day is still covered.
    const [{ ends_on: unchanged }] = await t.ds.query('SELECT ends_on FROM welder_engagements WHERE id = $1', [
      chenAtSteel,
    ]);
    expect(unchanged).toBeNull();

    await t.http
      .post(`/api/permits/${permitId}/cancel`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: '派遣结束' })
      .expect(200);
    const ok = await end('hengda.admin', { endsOn: '2026-01-04', reason: '派遣提前结束' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id: chenAtSteel,
      enterpriseId: ids.steel,
      endsOn: '2026-01-04',
      activeToday: true,
    });
    const [audit] = await t.ds.query(
      `SELECT before, after FROM audit_log WHERE action = 'welder.engagement.end' AND entity_id = $1`,
      [chenAtSteel],
    );
    expect(audit).toMatchObject({
      before: { endsOn: null },
      after: { endsOn: '2026-01-04', hostEnterpriseId: ids.steel, reason: '派遣提前结束' },
    });

    // The next day the host no longer sees the welder, and the engagement cannot be ended again.
    clock.set('2026-01-05T02:00:00Z');
    expect((await t.http.get(`/api/welders/${ids.chen}`).set(await t.auth('hengda.admin'))).status).toBe(404);
    const again = await end('admin', { endsOn: '2026-01-05' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE');
  });

  it('may be done by the employer as well as the host, but not by anyone else', async () => {
    const [{ id: zhangAtConstruction }] = await t.ds.query(
      `INSERT INTO welder_engagements (welder_id, enterprise_id, kind, starts_on, ends_on) VALUES ($1, $2, 'outsourced', '2026-01-01', '2026-03-31') RETURNING id`,
      [ids.zhang, ids.construction],
    );
    // hengda (steel) employs 张伟: it may end the engagement with construction; a regulator may not.
    expect((await end('huiting.regulator', { endsOn: '2026-02-01' }, zhangAtConstruction, ids.zhang)).status).toBe(403);
    expect(fieldCodes(await end('hengda.safety', { endsOn: '2026-03-31' }, zhangAtConstruction, ids.zhang))).toEqual([
      'endsOn:notEarlier',
    ]);
    const ok = await end('hengda.safety', { endsOn: '2026-02-01' }, zhangAtConstruction, ids.zhang);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ endsOn: '2026-02-01', enterpriseId: ids.construction });
    // An engagement of another welder under this one's id is not found.
    expect((await end('hengda.admin', { endsOn: '2026-01-20' }, zhangAtConstruction, ids.liu)).status).toBe(404);
  });

  it('is not held up by a permit that rests on a later engagement with the same host', async () => {
    // 孙磊 (employed by construction) works for steel in January and again from February.
    const [{ id: january }] = await t.ds.query(
      `INSERT INTO welder_engagements (welder_id, enterprise_id, kind, starts_on, ends_on) VALUES ($1, $2, 'contractor', '2026-01-01', '2026-01-31') RETURNING id`,
      [ids.sun, ids.steel],
    );
    await t.ds.query(
      `INSERT INTO welder_engagements (welder_id, enterprise_id, kind, starts_on) VALUES ($1, $2, 'contractor', '2026-02-01')`,
      [ids.sun, ids.steel],
    );
    // A permit of steel naming him on 2026-02-10 (moved there directly: the fixture's window is 2026-01-05).
    const permitId = await approvedPermit(t, clock, ids);
    await t.ds.query('INSERT INTO permit_welders (permit_id, welder_id) VALUES ($1, $2)', [permitId, ids.sun]);
    await t.ds.query(
      `UPDATE permits SET planned_start = '2026-02-10T09:00:00+08:00', planned_end = '2026-02-10T17:00:00+08:00' WHERE id = $1`,
      [permitId],
    );
    const ok = await end('hengda.admin', { endsOn: '2026-01-10' }, january, ids.sun);
    expect(ok.status).toBe(200);
    expect(ok.body.endsOn).toBe('2026-01-10');
  });
});
