import { ReasonCode } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  FakeDevice,
  waitUntil,
} from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';

jest.setTimeout(120_000);

type Body = Record<string, unknown> & { error?: { code: string; fields?: { field: string; code: string }[] } };

describe('enforcement cases (立案与处罚): a case suspends machines in the registry; closure lifts it', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let device: FakeDevice;
  let zhangCode: string;
  let permit: string;
  let hazard: string;

  const post = async (user: string, path: string, body: Record<string, unknown> = {}) =>
    t.http
      .post(`/api${path}`)
      .set(await t.auth(user))
      .send(body);
  const get = async (user: string, path: string) => t.http.get(`/api${path}`).set(await t.auth(user));
  const arm = () => device.arm(device.armBody({ kind: 'welder_code', code: zhangCode }, { permitId: permit }));
  const machineStatus = async (id: string) =>
    (await t.ds.query(`SELECT status FROM machines WHERE id = $1`, [id]))[0].status as string;
  const decision = {
    legalBasis: '《中华人民共和国安全生产法》第一百零一条',
    facts: '未办理动火作业票擅自焊接',
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    const admin = await t.auth('admin');
    const matou = await t.http.post('/api/users').set(admin).send({
      username: 'matou.regulator',
      role: 'regulator',
      regionCode: '411426101',
      password: DEMO_PASSWORD,
      displayName: '马头镇监管员',
    });
    expect(matou.status).toBe(201);
    await t.app.get(DeviceGateway).ready();
    clock.set(at9());
    permit = await approvedPermit(t, clock, ids);
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    zhangCode = await activeCode(t, ids.zhang);
    const h = await post('huiting.regulator', '/hazards', {
      enterpriseId: ids.steel,
      category: 'no_hot_work_permit',
      level: 'general',
      description: '督导检查发现：1号焊机未办理动火作业票作业',
    });
    expect(h.status).toBe(201);
    hazard = h.body.id as string;
  });
  afterAll(async () => {
    await device?.close();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));

  it('refuses an enterprise, another township, an empty decision and a machine of another enterprise', async () => {
    const valid = { hazardId: hazard, ...decision, warning: true };
    expect((await post('hengda.admin', '/cases', valid)).status).toBe(403);
    expect((await post('hengda.safety', '/cases', valid)).status).toBe(403);
    // 马头镇 does not regulate 恒达 (会亭镇): its hazard does not exist for them.
    expect((await post('matou.regulator', '/cases', valid)).status).toBe(404);
    const empty = await post('huiting.regulator', '/cases', { hazardId: hazard, ...decision });
    expect(empty.status).toBe(400);
    expect((empty.body as Body).error?.fields).toContainEqual(
      expect.objectContaining({ field: 'warning', code: 'decisionRequired' }),
    );
    const foreign = await post('huiting.regulator', '/cases', {
      hazardId: hazard,
      ...decision,
      suspendMachineIds: [ids.machineryMachine],
    });
    expect(foreign.status).toBe(400);
    expect((foreign.body as Body).error?.fields).toContainEqual(
      expect.objectContaining({ field: 'suspendMachineIds', code: 'notOwnMachine' }),
    );
    const negative = await post('huiting.regulator', '/cases', { hazardId: hazard, ...decision, fineYuan: -5 });
    expect(negative.status).toBe(400);
    expect(Number((await t.ds.query(`SELECT count(*) FROM enforcement_cases`))[0].count)).toBe(0);
    expect(await machineStatus(ids.machineryMachine)).toBe('active');
  });

  it('opens a case with a fine, 一案双罚 and a suspended machine: the live grant is revoked and the device is refused; closing lifts it', async () => {
    const before = await arm();
    expect(before.answer.type).toBe('arm.grant');
    const grantId = before.answer.body.grantId as string;
    const from = device.received.length;

    const opened = await post('huiting.regulator', '/cases', {
      hazardId: hazard,
      ...decision,
      warning: true,
      fineYuan: 20000,
      suspendMachineIds: [ids.steelMachine1],
      secondParty: { name: '王建国', role: '主要负责人' },
    });
    expect(opened.status).toBe(201);
    const c = opened.body as Body & { id: string };
    expect(c).toMatchObject({
      enterpriseId: ids.steel,
      sourceType: 'hazard',
      sourceHazardId: hazard,
      state: 'open',
      warning: true,
      fineYuan: 20000,
      productionHalt: false,
      secondParty: { nameMasked: '王**', role: '主要负责人' },
      suspendedMachines: [expect.objectContaining({ id: ids.steelMachine1, status: 'suspended' })],
    });
    // The name is stored encrypted, and audited masked.
    const [row] = await t.ds.query(`SELECT second_party_name_enc FROM enforcement_cases WHERE id = $1`, [c.id]);
    expect(row.second_party_name_enc).toMatch(/^v1:/);
    expect(row.second_party_name_enc).not.toContain('王建国');
    const audit = await t.ds.query(
      `SELECT action, entity_type, entity_id, after FROM audit_log WHERE (entity_type = 'enforcement_case' AND entity_id = $1) OR (entity_type = 'machine' AND entity_id = $2 AND action = 'machine.status') ORDER BY id`,
      [c.id, ids.steelMachine1],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['machine.status', 'case.open']);
    expect(JSON.stringify(audit)).not.toContain('王建国');

    // Suspended in the registry: the machine leaves 'active', its live grant is revoked, and a new request is refused.
    expect(await machineStatus(ids.steelMachine1)).toBe('suspended');
    const revoke = await device.next(
      (topic, m) => topic.endsWith('/down/grant.revoke') && m.body.grantId === grantId,
      5000,
      from,
    );
    expect(revoke.body).toMatchObject({ grantId, reason: ReasonCode.MACHINE_SUSPENDED });
    const grant = await waitUntil(
      async () =>
        (await t.ds.query(`SELECT revoked_at, revoke_reason FROM grants WHERE grant_id = $1`, [grantId]))[0]?.revoked_at
          ? (await t.ds.query(`SELECT revoked_at, revoke_reason FROM grants WHERE grant_id = $1`, [grantId]))[0]
          : null,
      3000,
      'grant revoked',
    );
    expect(grant.revoke_reason).toBe(ReasonCode.MACHINE_SUSPENDED);
    const denied = await arm();
    expect(denied.answer.type).toBe('arm.denied');
    expect(denied.answer.body).toMatchObject({ reason: ReasonCode.MACHINE_SUSPENDED });
    // The enterprise may not lift a regulator's suspension itself.
    expect(
      (
        await t.http
          .post(`/api/machines/${ids.steelMachine1}/status`)
          .set(await t.auth('hengda.admin'))
          .send({ status: 'active' })
      ).status,
    ).toBe(403);

    // Scope: another township neither sees nor closes it; the enterprise has no access to case files.
    expect((await get('matou.regulator', `/cases/${c.id}`)).status).toBe(404);
    expect((await get('matou.regulator', '/cases')).body.total).toBe(0);
    expect((await get('hengda.admin', `/cases/${c.id}`)).status).toBe(403);
    expect((await post('matou.regulator', `/cases/${c.id}/close`, { note: '结案', liftSuspension: true })).status).toBe(
      404,
    );
    expect((await post('hengda.admin', `/cases/${c.id}/close`, { note: '结案', liftSuspension: true })).status).toBe(
      403,
    );
    expect((await get('xiayi.regulator', `/cases/${c.id}`)).status).toBe(200);
    const listed = await get('huiting.regulator', `/cases?hazardId=${hazard}`);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);

    const closed = await post('huiting.regulator', `/cases/${c.id}/close`, {
      note: '罚款已缴纳，整改完成，结案',
      liftSuspension: true,
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      state: 'closed',
      suspensionLifted: true,
      closedByName: expect.any(String),
      suspendedMachines: [expect.objectContaining({ id: ids.steelMachine1, status: 'active' })],
    });
    expect(await machineStatus(ids.steelMachine1)).toBe('active');
    expect((await arm()).answer.type).toBe('arm.grant');
    // Closed once.
    const again = await post('huiting.regulator', `/cases/${c.id}/close`, { note: '再次结案', liftSuspension: true });
    expect(again.status).toBe(409);
    const closeAudit = await t.ds.query(
      `SELECT before, after FROM audit_log WHERE action = 'case.close' AND entity_id = $1`,
      [c.id],
    );
    expect(closeAudit).toHaveLength(1);
    expect(closeAudit[0].before).toMatchObject({ state: 'open' });
    expect(closeAudit[0].after).toMatchObject({ state: 'closed', suspensionLifted: true });
  });

  it('closing without lifting keeps the machines suspended', async () => {
    const opened = await post('huiting.regulator', '/cases', {
      hazardId: hazard,
      ...decision,
      productionHalt: true,
      suspendMachineIds: [ids.steelMachine2],
    });
    expect(opened.status).toBe(201);
    expect(await machineStatus(ids.steelMachine2)).toBe('suspended');
    const closed = await post('xiayi.regulator', `/cases/${opened.body.id}/close`, {
      note: '停产整顿期间结案，焊机继续暂停',
      liftSuspension: false,
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', suspensionLifted: false, productionHalt: true });
    expect(await machineStatus(ids.steelMachine2)).toBe('suspended');
    // A machine no longer active cannot be suspended by another case.
    const twice = await post('huiting.regulator', '/cases', {
      hazardId: hazard,
      ...decision,
      suspendMachineIds: [ids.steelMachine2],
    });
    expect(twice.status).toBe(400);
    expect((twice.body as Body).error?.fields).toContainEqual(
      expect.objectContaining({ field: 'suspendMachineIds', code: 'machineNotActive' }),
    );
  });

  it('counts hazards, cases and fines per township and month; zero-penalty townships are listed; scoped', async () => {
    const month = new Date(new Date(at9()).getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    const county = await get('xiayi.regulator', `/cases/statistics?from=${month}&to=${month}`);
    expect(county.status).toBe(200);
    const huiting = county.body.find((r: { regionCode: string }) => r.regionCode === '411426100');
    expect(huiting).toMatchObject({ month, hazardsFound: 1, cases: 2, finesYuan: 20000 });
    const matou = county.body.find((r: { regionCode: string }) => r.regionCode === '411426101');
    expect(matou).toMatchObject({ month, hazardsFound: 0, cases: 0, finesYuan: 0 });
    const own = await get('matou.regulator', `/cases/statistics?from=${month}&to=${month}`);
    expect(own.body.map((r: { regionCode: string }) => r.regionCode)).toEqual(['411426101']);
    expect((await get('hengda.admin', `/cases/statistics?from=${month}&to=${month}`)).status).toBe(403);
    expect((await get('xiayi.regulator', `/cases/statistics?from=2026-06&to=2026-01`)).status).toBe(400);
  });

  it('opens a case from an inspection target; one source only; lists filter by region, decision and month; open suspensions are listed', async () => {
    const plan = await post('xiayi.regulator', '/inspection-plans', {
      title: '立案测试县级检查计划',
      regionCode: '411426',
      periodStart: '2026-06-01',
      periodEnd: '2026-06-30',
      sampleSize: 200,
      weights: { openAlerts: 1, daysSinceInspection: 1 },
    });
    expect(plan.status).toBe(201);
    const planId = plan.body.id as string;
    const target = (plan.body.targets as { position: number; enterpriseId: string }[]).find(
      (x) => x.enterpriseId === ids.steel,
    )!;
    expect(target).toBeDefined();
    const fromInspection = { inspectionPlanId: planId, inspectionPosition: target.position, ...decision };

    // One source, named completely; a plan or place that does not exist is not found; 马头镇 does not see the plan.
    const both = await post('xiayi.regulator', '/cases', { ...fromInspection, hazardId: hazard, warning: true });
    expect(both.status).toBe(400);
    expect((both.body as Body).error?.fields).toContainEqual(expect.objectContaining({ code: 'oneSource' }));
    const none = await post('huiting.regulator', '/cases', { ...decision, warning: true });
    expect(none.status).toBe(400);
    expect((none.body as Body).error?.fields).toContainEqual(
      expect.objectContaining({ field: 'hazardId', code: 'required' }),
    );
    const half = await post('huiting.regulator', '/cases', { inspectionPlanId: planId, ...decision, warning: true });
    expect(half.status).toBe(400);
    expect((half.body as Body).error?.fields).toContainEqual(
      expect.objectContaining({ field: 'inspectionPosition', code: 'bothOrNeither' }),
    );
    expect(
      (await post('xiayi.regulator', '/cases', { ...fromInspection, inspectionPosition: 199, warning: true })).status,
    ).toBe(404);
    // The county's plan is not 会亭镇's to see (unless drawn as an inspector) nor 马头镇's.
    const huitingId = (await t.ds.query(`SELECT id FROM users WHERE username = 'huiting.regulator'`))[0].id as string;
    const drawnHuiting = (plan.body.targets as { inspectors: { id: string }[] }[]).some((x) =>
      x.inspectors.some((i) => i.id === huitingId),
    );
    if (!drawnHuiting)
      expect((await post('huiting.regulator', '/cases', { ...fromInspection, warning: true })).status).toBe(404);
    expect((await post('matou.regulator', '/cases', { ...fromInspection, warning: true })).status).toBe(404);
    expect((await post('hengda.admin', '/cases', { ...fromInspection, warning: true })).status).toBe(403);

    const opened = await post('xiayi.regulator', '/cases', {
      ...fromInspection,
      fineYuan: 3000,
      suspendMachineIds: [ids.steelMachine1],
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      enterpriseId: ids.steel,
      sourceType: 'inspection',
      sourceHazardId: null,
      sourceInspection: { planId, planTitle: '立案测试县级检查计划', position: target.position },
      regionName: expect.any(String),
    });
    const caseId = opened.body.id as string;
    const [row] = await t.ds.query(`SELECT source_inspection_target_id FROM enforcement_cases WHERE id = $1`, [caseId]);
    expect(row.source_inspection_target_id).toEqual(expect.any(String));
    // The database holds one source per case.
    await expect(
      t.ds.query(`UPDATE enforcement_cases SET source_hazard_id = $2 WHERE id = $1`, [caseId, hazard]),
    ).rejects.toThrow(/check/);

    // Filters: decision kind, region (the enterprise's township), opening month (China time).
    const ids_ = async (query: string) =>
      ((await get('xiayi.regulator', `/cases?${query}`)).body.items as { id: string }[]).map((x) => x.id);
    const all = await ids_('pageSize=100');
    expect(all).toHaveLength(3);
    expect(all).toContain(caseId);
    expect(await ids_('decision=fine')).toHaveLength(2);
    expect(await ids_('decision=production_halt')).toHaveLength(1);
    expect(await ids_('decision=machine_suspension')).toHaveLength(3);
    expect(await ids_('decision=warning')).toHaveLength(1);
    expect(await ids_('regionCode=411426100')).toHaveLength(3);
    expect(await ids_('regionCode=411426101')).toEqual([]);
    expect(await ids_('regionCode=999999')).toEqual([]);
    const month = new Date(new Date(at9()).getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    expect(await ids_(`month=${month}&state=open`)).toEqual([caseId]);
    expect(await ids_('month=2020-01')).toEqual([]);
    for (const bad of ['decision=fines', 'month=2026-13', 'regionCode=41x'])
      expect((await get('xiayi.regulator', `/cases?${bad}`)).status).toBe(400);

    // Suspensions of open cases: steelMachine1 by this case; steelMachine2's case is closed (not listed).
    const suspensions = await get('huiting.regulator', '/cases/suspended-machines');
    expect(suspensions.status).toBe(200);
    expect(suspensions.body).toEqual([{ machineId: ids.steelMachine1, caseId, openedAt: expect.any(String) }]);
    expect((await get('matou.regulator', '/cases/suspended-machines')).body).toEqual([]);
    expect((await get('hengda.admin', '/cases/suspended-machines')).status).toBe(403);
    await post('xiayi.regulator', `/cases/${caseId}/close`, { note: '结案', liftSuspension: true });
    expect((await get('huiting.regulator', '/cases/suspended-machines')).body).toEqual([]);
  });
});
