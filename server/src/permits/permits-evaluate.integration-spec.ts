import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { PermitDecisionCode, PERMIT_DECISION_MESSAGES } from './permit-decision';
import { PermitsService } from './permits.service';
import { cst, DemoIds, demoIds, permitBody, STEEL_SITE } from './testing/permit-fixtures';

const at = (day: number, hhmm: string) => new Date(cst(day, hhmm));
const metresNorth = (m: number) => ({ lat: STEEL_SITE.lat + m / 111_195, lng: STEEL_SITE.lng });

describe('PermitsService.evaluate: may welder W weld with machine M at P and T under permit X?', () => {
  let t: TestApp;
  let ids: DemoIds;
  let permits: PermitsService;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    permits = t.app.get(PermitsService);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => clock.set(cst(5, '08:00')));

  const post = async (user: string, url: string, body: object = {}) =>
    t.http
      .post(url)
      .set(await t.auth(user))
      .send(body);
  /** Drafts, submits and signs a permit through the API with the demo signers. */
  const approved = async (level: 'level2' | 'level1' | 'special', over: Record<string, unknown> = {}) => {
    // 特级: three different signers, none of them the applicant (the platform admin drafts for 恒达 here).
    const applicant = level === 'special' ? 'admin' : 'hengda.admin';
    const signers = {
      level2: ['hengda.foreman'],
      level1: ['hengda.foreman', 'hengda.safety'],
      special: ['hengda.foreman', 'hengda.safety', 'hengda.admin'],
    }[level];
    if (level === 'special') over = { enterpriseId: ids.steel, ...over };
    const d = await post(applicant, '/api/permits', permitBody(ids, { level, ...over }));
    expect(d.status).toBe(201);
    expect((await post(applicant, `/api/permits/${d.body.id}/submit`)).status).toBe(200);
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (const s of signers) last = await post(s, `/api/permits/${d.body.id}/approve`);
    expect(last?.body.status).toBe('approved');
    return d.body.id as string;
  };
  /** Records an analysis as taken now (the clock moves to takenAt). */
  /** The gas sets the pass mark: 甲烷 (LEL 5 %) ≤ 0.5 % vol, 乙炔 (LEL 2.5 %) ≤ 0.2 %. */
  const gas = async (id: string, takenAt: string, reading = 0.2, gasName = '甲烷') => {
    clock.set(takenAt);
    const res = await post('hengda.admin', `/api/permits/${id}/gas-analyses`, {
      takenAt,
      gas: gasName,
      readingPercentVol: reading,
      analyst: '李分析',
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const ask = (permitId: string, when: Date, over: Partial<Parameters<PermitsService['evaluate']>[0]> = {}) =>
    permits.evaluate({
      permitId,
      welderId: ids.zhang,
      machineId: ids.steelMachine1,
      at: when,
      position: STEEL_SITE,
      ...over,
    });

  it('checks the permit, its window, the named welder and machine, and the place', async () => {
    expect((await ask('00000000-0000-4000-8000-000000000000', at(5, '10:00'))).reason).toBe('PERMIT_NOT_FOUND');
    expect((await ask('not-a-uuid', at(5, '10:00'))).reason).toBe('PERMIT_NOT_FOUND');
    const draft = await post('hengda.admin', '/api/permits', permitBody(ids));
    expect((await ask(draft.body.id, at(5, '10:00'))).reason).toBe('PERMIT_NOT_APPROVED');

    const id = await approved('level2');
    await gas(id, cst(5, '08:45'));
    expect((await ask(id, at(5, '08:59'))).reason).toBe('PERMIT_NOT_STARTED');
    expect((await ask(id, at(5, '17:00'))).reason).toBe('PERMIT_EXPIRED');
    expect((await ask(id, at(5, '09:00'), { welderId: ids.liu })).reason).toBe('WELDER_NOT_NAMED');
    expect((await ask(id, at(5, '09:00'), { machineId: ids.steelMachine2 })).reason).toBe('MACHINE_NOT_NAMED');
    expect((await ask(id, at(5, '09:00'), { position: undefined })).reason).toBe('POSITION_REQUIRED');
    expect((await ask(id, at(5, '09:00'), { position: { ...STEEL_SITE, accuracyM: 150 } })).reason).toBe(
      'POSITION_INACCURATE',
    );
    // Fence radius 50 m plus the 30 m GPS tolerance.
    expect((await ask(id, at(5, '09:05'), { position: metresNorth(79) })).reason).toBe('OK');
    expect((await ask(id, at(5, '09:05'), { position: metresNorth(82) })).reason).toBe('OUTSIDE_GEOFENCE');
    const ok = await ask(id, at(5, '09:10'));
    expect(ok).toEqual({
      allowed: true,
      reason: 'OK',
      message: PERMIT_DECISION_MESSAGES.OK,
      permit: expect.objectContaining({ id, effectiveLevel: 'level2', validUntil: at(5, '17:00') }),
    });
  });

  it('gas analysis: at most 30 min old before the first arc (30 yes, 31 no); the latest must pass', async () => {
    const id = await approved('level1');
    expect((await ask(id, at(5, '09:10'))).reason).toBe('GAS_ANALYSIS_MISSING');
    const fail = await gas(id, cst(5, '08:55'), 0.25, '乙炔');
    expect(fail.passed).toBe(false);
    expect((await ask(id, at(5, '09:00'))).reason).toBe('GAS_ANALYSIS_FAILED');
    await gas(id, cst(5, '09:00'), 0.2, '乙炔');
    expect((await ask(id, at(5, '09:30'))).reason).toBe('OK');
    expect((await ask(id, at(5, '09:31'))).reason).toBe('GAS_ANALYSIS_STALE');
  });

  it('一级: after a pause of 30 min work may resume, after 31 min gas must be re-tested', async () => {
    const id = await approved('level1');
    await gas(id, cst(5, '08:50'));
    expect(await permits.recordArcActivity(id, at(5, '09:10'), at(5, '09:40'))).toBe(true);
    expect((await ask(id, at(5, '10:10'))).reason).toBe('OK');
    expect((await ask(id, at(5, '10:11'))).reason).toBe('GAS_RETEST_REQUIRED');
    await gas(id, cst(5, '10:15'));
    expect((await ask(id, at(5, '10:20'))).reason).toBe('OK');
    // Reports arriving out of order never move the arc history backwards.
    await permits.recordArcActivity(id, at(5, '09:00'), at(5, '09:05'));
    const row = (await t.ds.query('SELECT first_arc_at, last_arc_ended_at FROM permits WHERE id = $1', [id]))[0];
    expect(row.first_arc_at.toISOString()).toBe(at(5, '09:00').toISOString());
    expect(row.last_arc_ended_at.toISOString()).toBe(at(5, '09:40').toISOString());
  });

  it('二级: a pause of 60 min is fine, 61 min needs a re-test', async () => {
    const id = await approved('level2');
    await gas(id, cst(5, '08:50'));
    await permits.recordArcActivity(id, at(5, '09:10'), at(5, '09:40'));
    expect((await ask(id, at(5, '10:40'))).reason).toBe('OK');
    expect((await ask(id, at(5, '10:41'))).reason).toBe('GAS_RETEST_REQUIRED');
  });

  it('特级 needs continuous gas monitoring reporting normal; absent means no', async () => {
    const id = await approved('special');
    await gas(id, cst(5, '08:55'));
    expect((await ask(id, at(5, '09:05'))).reason).toBe('CONTINUOUS_GAS_MONITORING_REQUIRED');
    expect((await ask(id, at(5, '09:05'), { continuousGasOk: false })).reason).toBe(
      'CONTINUOUS_GAS_MONITORING_REQUIRED',
    );
    expect((await ask(id, at(5, '09:05'), { continuousGasOk: true })).reason).toBe('OK');
  });

  it('refuses when the certificate, the machine or the enterprise stops being valid after approval', async () => {
    const id = await approved('level2');
    await gas(id, cst(5, '08:55'));
    const cases: [string, string, PermitDecisionCode][] = [
      [
        `UPDATE certificates SET status = 'suspended' WHERE welder_id = '${ids.zhang}'`,
        `UPDATE certificates SET status = 'valid' WHERE welder_id = '${ids.zhang}'`,
        PermitDecisionCode.CERTIFICATE_SUSPENDED,
      ],
      [
        `UPDATE certificates SET review_due_on = '2026-01-04' WHERE welder_id = '${ids.zhang}'`,
        `UPDATE certificates SET review_due_on = '2028-03-01' WHERE welder_id = '${ids.zhang}'`,
        PermitDecisionCode.CERTIFICATE_REVIEW_OVERDUE,
      ],
      [
        `UPDATE machines SET status = 'suspended' WHERE id = '${ids.steelMachine1}'`,
        `UPDATE machines SET status = 'active' WHERE id = '${ids.steelMachine1}'`,
        PermitDecisionCode.MACHINE_INACTIVE,
      ],
      [
        `UPDATE enterprises SET status = 'suspended' WHERE id = '${ids.steel}'`,
        `UPDATE enterprises SET status = 'active' WHERE id = '${ids.steel}'`,
        PermitDecisionCode.ENTERPRISE_INACTIVE,
      ],
    ];
    for (const [breakIt, fixIt, code] of cases) {
      await t.ds.query(breakIt);
      expect((await ask(id, at(5, '09:05'))).reason).toBe(code);
      await t.ds.query(fixIt);
      expect((await ask(id, at(5, '09:05'))).reason).toBe('OK');
    }
  });

  it('fails closed on nonsense input and has a message in both languages for every code', async () => {
    const id = await approved('level2');
    expect(await ask(id, new Date('nope'))).toMatchObject({ allowed: false, reason: 'EVALUATION_ERROR' });
    expect((await ask(id, at(5, '10:00'), { position: { lat: Number.NaN, lng: 116 } })).reason).toBe(
      'POSITION_REQUIRED',
    );
    for (const code of Object.values(PermitDecisionCode)) {
      expect(PERMIT_DECISION_MESSAGES[code].zh.length).toBeGreaterThan(0);
      expect(PERMIT_DECISION_MESSAGES[code].en.length).toBeGreaterThan(0);
    }
  });
});
