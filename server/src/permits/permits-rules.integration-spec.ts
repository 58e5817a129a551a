import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { createSigner, cst, DemoIds, demoIds, permitBody, registerFireWatcher } from './testing/permit-fixtures';

const DEFAULT_CHAINS = {
  special: ['unit_head', 'safety_department', 'principal'],
  level1: ['unit_head', 'safety_department'],
  level2: ['unit_head'],
};

describe('permits: GB 30871-2022 rules at their boundaries', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    ids.watcher = await registerFireWatcher(t.http, await t.auth('hengda.admin'));
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    clock.set(cst(5, '08:00'));
    await t.ds.query(`DELETE FROM enterprise_permit_settings`);
    await t.ds.query(`UPDATE machines SET status = 'active', suspended_by_regulator = false, retired_at = NULL`);
    await t.ds.query(`UPDATE enterprises SET status = 'active'`);
  });

  const post = async (user: string, url: string, body: object = {}) =>
    t.http
      .post(url)
      .set(await t.auth(user))
      .send(body);
  const draft = async (over: Record<string, unknown> = {}, user = 'hengda.admin') =>
    post(user, '/api/permits', permitBody(ids, over));
  const settings = async (over: Record<string, unknown>) => {
    const res = await t.http
      .put(`/api/enterprises/${ids.steel}/permit-settings`)
      .set(await t.auth('hengda.admin'))
      .send({
        holidays: [],
        nightHours: null,
        upgradeOnHolidays: true,
        upgradeAtNight: true,
        approvalChains: DEFAULT_CHAINS,
        ...over,
      });
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Applied by hengda.admin; 一级 signed by the foreman then the safety department. */
  const approvedLevel1 = async (over: Record<string, unknown> = {}) => {
    const { body } = await draft({ level: 'level1', ...over });
    expect((await post('hengda.admin', `/api/permits/${body.id}/submit`)).status).toBe(200);
    await post('hengda.foreman', `/api/permits/${body.id}/approve`);
    expect((await post('hengda.safety', `/api/permits/${body.id}/approve`)).body.status).toBe('approved');
    return body.id as string;
  };

  describe('validity window', () => {
    it('一级: exactly 8 h is accepted, 8 h + 1 min is refused with the reason', async () => {
      expect((await draft({ level: 'level1', plannedEnd: cst(5, '17:00') })).status).toBe(201);
      const long = await draft({ level: 'level1', plannedEnd: cst(5, '17:01') });
      expect(long.status).toBe(422);
      expect(long.body.error).toMatchObject({
        code: 'PERMIT_WINDOW_TOO_LONG',
        details: { level: 'level1', maxHours: 8, actualMinutes: 481 },
      });
      expect(long.body.error.fields[0]).toMatchObject({ field: 'plannedEnd', code: 'windowTooLong' });
      expect(long.body.error.message).toContain('8');
    });

    it('特级 8 h / 8 h + 1 min and 二级 72 h / 72 h + 1 min', async () => {
      expect((await draft({ level: 'special', plannedEnd: cst(5, '17:00') })).status).toBe(201);
      expect((await draft({ level: 'special', plannedEnd: cst(5, '17:01') })).body.error.code).toBe(
        'PERMIT_WINDOW_TOO_LONG',
      );
      expect((await draft({ level: 'level2', plannedEnd: cst(8, '09:00') })).status).toBe(201);
      expect((await draft({ level: 'level2', plannedEnd: cst(8, '09:01') })).body.error.details).toMatchObject({
        maxHours: 72,
      });
    });

    it('an end before the start is a field error', async () => {
      const res = await draft({ plannedEnd: cst(5, '09:00') });
      expect(res.status).toBe(400);
      expect(res.body.error.fields[0]).toMatchObject({ field: 'plannedEnd', code: 'afterStart' });
    });
  });

  describe('holiday and night upgrade', () => {
    it('a window touching a marked holiday is 一级 instead of 二级, with the reason, and takes the 一级 chain', async () => {
      await settings({ holidays: ['2026-01-06'] });
      const before = await draft({ plannedStart: cst(5, '16:00'), plannedEnd: cst(5, '23:59') });
      expect(before.body).toMatchObject({ effectiveLevel: 'level2', levelUpgradeReasons: [] });
      const res = await draft({ plannedStart: cst(5, '17:00'), plannedEnd: cst(6, '00:01') });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        requestedLevel: 'level2',
        effectiveLevel: 'level1',
        levelUpgradeReasons: [{ kind: 'holiday', date: '2026-01-06' }],
      });
      const sub = await post('hengda.admin', `/api/permits/${res.body.id}/submit`);
      expect(sub.body.approval.chain).toEqual(['unit_head', 'safety_department']);
      // Upgraded to 一级, a 10-hour 二级 window on the holiday is too long.
      const long = await draft({ plannedStart: cst(6, '08:00'), plannedEnd: cst(6, '18:00') });
      expect(long.body.error).toMatchObject({ code: 'PERMIT_WINDOW_TOO_LONG', details: { level: 'level1' } });
    });

    it('night hours raise 一级 to 特级 once the window passes 22:00; a holiday marked after drafting applies at submission', async () => {
      await settings({ nightHours: { start: '22:00', end: '06:00' } });
      expect(
        (await draft({ level: 'level1', plannedStart: cst(5, '14:00'), plannedEnd: cst(5, '22:00') })).body
          .effectiveLevel,
      ).toBe('level1');
      const night = await draft({ level: 'level1', plannedStart: cst(5, '14:01'), plannedEnd: cst(5, '22:01') });
      expect(night.body).toMatchObject({ effectiveLevel: 'special', levelUpgradeReasons: [{ kind: 'night' }] });

      const d = await draft();
      await settings({ holidays: ['2026-01-05'] });
      const sub = await post('hengda.admin', `/api/permits/${d.body.id}/submit`);
      expect(sub.status).toBe(200);
      expect(sub.body).toMatchObject({
        effectiveLevel: 'level1',
        approval: { chain: ['unit_head', 'safety_department'] },
      });
    });

    it("follows an enterprise's own approval chain", async () => {
      await settings({ approvalChains: { ...DEFAULT_CHAINS, level2: ['safety_department', 'unit_head'] } });
      const d = await draft();
      expect((await post('hengda.admin', `/api/permits/${d.body.id}/submit`)).body.approval.chain).toEqual([
        'safety_department',
        'unit_head',
      ]);
      expect((await post('hengda.foreman', `/api/permits/${d.body.id}/approve`)).body.error.code).toBe(
        'APPROVER_POSITION_REQUIRED',
      );
      expect((await post('hengda.safety', `/api/permits/${d.body.id}/approve`)).body.approval.currentStep).toBe(1);
      expect((await post('hengda.foreman', `/api/permits/${d.body.id}/approve`)).body.status).toBe('approved');
    });
  });

  describe('welders, machines and the enterprise at submission', () => {
    afterEach(async () => {
      await t.ds.query(
        `UPDATE certificates SET expires_on = '2026-12-15', review_due_on = '2026-12-15', status = 'valid' WHERE welder_id = $1`,
        [ids.liu],
      );
    });

    it('a certificate expiring exactly at the window end is accepted; one expiring one minute before the end is refused', async () => {
      // expires_on 2026-01-06 (China date): invalid from 2026-01-06T00:00+08:00.
      await t.ds.query(
        `UPDATE certificates SET expires_on = '2026-01-06', review_due_on = '2026-01-06' WHERE welder_id = $1`,
        [ids.liu],
      );
      const exact = await draft({ welderIds: [ids.liu], plannedStart: cst(5, '17:00'), plannedEnd: cst(6, '00:00') });
      expect((await post('hengda.admin', `/api/permits/${exact.body.id}/submit`)).status).toBe(200);
      const over = await draft({
        welderIds: [ids.zhang, ids.liu],
        plannedStart: cst(5, '17:00'),
        plannedEnd: cst(6, '00:01'),
      });
      const res = await post('hengda.admin', `/api/permits/${over.body.id}/submit`);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: 'WELDER_CERTIFICATE_INVALID',
        details: { invalid: [{ welderId: ids.liu, verdict: 'expired' }] },
      });
      expect(res.body.error.fields).toEqual([
        expect.objectContaining({
          field: 'welderIds[1]',
          code: 'certificateExpired',
          message: expect.stringContaining(ids.liu),
        }),
      ]);
    });

    it('refuses a welder overdue for review, or with a suspended certificate', async () => {
      await t.ds.query(`UPDATE certificates SET review_due_on = '2026-01-05' WHERE welder_id = $1`, [ids.liu]);
      const d = await draft({ welderIds: [ids.liu], plannedStart: cst(5, '20:00'), plannedEnd: cst(6, '02:00') });
      expect((await post('hengda.admin', `/api/permits/${d.body.id}/submit`)).body.error.fields[0].code).toBe(
        'certificateReviewOverdue',
      );
      await t.ds.query(
        `UPDATE certificates SET review_due_on = '2026-12-15', status = 'suspended' WHERE welder_id = $1`,
        [ids.liu],
      );
      expect((await post('hengda.admin', `/api/permits/${d.body.id}/submit`)).body.error.fields[0].code).toBe(
        'certificateSuspended',
      );
    });

    it('refuses suspended or retired machines', async () => {
      const d = await draft({ machineIds: [ids.steelMachine1, ids.steelMachine2] });
      await t.ds.query(`UPDATE machines SET status = 'suspended' WHERE id = $1`, [ids.steelMachine2]);
      const res = await post('hengda.admin', `/api/permits/${d.body.id}/submit`);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: 'PERMIT_PARTY_UNAVAILABLE',
        fields: [{ field: 'machineIds[1]', code: 'machineInactive' }],
      });
      await t.ds.query(`UPDATE machines SET status = 'retired', retired_at = now() WHERE id = $1`, [ids.steelMachine2]);
      expect((await post('hengda.admin', `/api/permits/${d.body.id}/submit`)).body.error.fields[0].code).toBe(
        'machineInactive',
      );
    });

    it('a suspended or closed enterprise cannot obtain permits', async () => {
      const d = await draft();
      await t.ds.query(`UPDATE enterprises SET status = 'suspended' WHERE id = $1`, [ids.steel]);
      expect((await post('hengda.admin', `/api/permits/${d.body.id}/submit`)).body.error.code).toBe(
        'ENTERPRISE_INACTIVE',
      );
      await t.ds.query(`UPDATE enterprises SET status = 'closed' WHERE id = $1`, [ids.steel]);
      const res = await draft();
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ENTERPRISE_INACTIVE');
    });

    it('a machine lent by a recorded arrangement can be named for windows inside the loan only', async () => {
      const outside = await draft({ machineIds: [ids.machineryMachine] });
      expect(outside.body.error.fields[0]).toMatchObject({ field: 'machineIds[0]', code: 'machineNotAvailable' });
      // hengda.admin cannot lend a machine it does not own.
      const foreign = await post('hengda.admin', '/api/machine-loans', {
        machineId: ids.machineryMachine,
        borrowerEnterpriseId: ids.steel,
        startsAt: cst(5, '00:00'),
        endsAt: cst(6, '00:00'),
      });
      expect(foreign.status).toBe(404);
      const loan = await post('admin', '/api/machine-loans', {
        machineId: ids.machineryMachine,
        borrowerEnterpriseId: ids.steel,
        startsAt: cst(5, '00:00'),
        endsAt: cst(6, '00:00'),
        note: '借用协议',
      });
      expect(loan.status).toBe(201);
      const inside = await draft({ machineIds: [ids.machineryMachine] });
      expect(inside.status).toBe(201);
      expect(
        (
          await draft({
            machineIds: [ids.machineryMachine],
            plannedStart: cst(5, '20:00'),
            plannedEnd: cst(6, '00:01'),
          })
        ).status,
      ).toBe(422);
      expect((await t.http.get('/api/machine-loans').set(await t.auth('hengda.admin'))).body.total).toBe(1);
      expect((await t.http.get('/api/machine-loans').set(await t.auth('welder.zhang'))).body.total).toBe(0);
      expect((await post('admin', `/api/machine-loans/${loan.body.id}/revoke`, { reason: '提前归还' })).status).toBe(
        200,
      );
      expect((await post('hengda.admin', `/api/permits/${inside.body.id}/submit`)).body.error.fields[0].code).toBe(
        'machineNotAvailable',
      );
    });
  });

  describe('extension (延期)', () => {
    it('goes through the same chain and never beyond 8 h from the original start', async () => {
      const id = await approvedLevel1({ plannedStart: cst(5, '09:00'), plannedEnd: cst(5, '15:00') });
      clock.set(cst(5, '14:00'));
      const beyond = await post('hengda.admin', `/api/permits/${id}/extend`, {
        newEnd: cst(5, '17:01'),
        reason: '未完成',
      });
      expect(beyond.status).toBe(422);
      expect(beyond.body.error).toMatchObject({
        code: 'EXTENSION_BEYOND_MAXIMUM',
        fields: [{ field: 'newEnd', code: 'beyondMaximum' }],
        details: { latestPossibleEnd: new Date(cst(5, '17:00')).toISOString() },
      });

      const req = await post('hengda.foreman', `/api/permits/${id}/extend`, {
        newEnd: cst(5, '17:00'),
        reason: '钢梁焊接未完成',
      });
      expect(req.status).toBe(200);
      expect(req.body.extensions[0]).toMatchObject({ status: 'pending', currentStep: 0 });
      expect(
        (await post('hengda.foreman', `/api/permits/${id}/extend`, { newEnd: cst(5, '16:00'), reason: 'x' })).body.error
          .code,
      ).toBe('INVALID_STATE');
      // The requester (and the original applicant) cannot approve it.
      expect((await post('hengda.foreman', `/api/permits/${id}/approve`)).body.error.code).toBe('SELF_APPROVAL');
      expect((await post('hengda.admin', `/api/permits/${id}/approve`)).body.error.code).toBe('SELF_APPROVAL');
      await t.http
        .put(`/api/enterprises/${ids.steel}/permit-positions/${ids.users['hengda.safety']}`)
        .set(await t.auth('hengda.admin'))
        .send({ positions: ['safety_department', 'unit_head'] });
      const step1 = await post('hengda.safety', `/api/permits/${id}/approve`);
      expect(step1.body).toMatchObject({
        plannedEnd: new Date(cst(5, '15:00')).toISOString(),
        extensions: [{ status: 'pending', currentStep: 1 }],
      });
      // Holding both positions does not make one person two signers.
      expect((await post('hengda.safety', `/api/permits/${id}/approve`)).body.error.code).toBe('SIGNER_ALREADY_SIGNED');
      await t.http
        .put(`/api/enterprises/${ids.steel}/permit-positions/${ids.users['hengda.safety']}`)
        .set(await t.auth('hengda.admin'))
        .send({ positions: ['safety_department'] });
      // A second holder of the safety department signs step 2.
      await createSigner(t, 'hengda.safety2', ['safety_department']);
      const step2 = await post('hengda.safety2', `/api/permits/${id}/approve`, { remark: '同意延期' });
      expect(step2.body).toMatchObject({
        status: 'active',
        plannedEnd: new Date(cst(5, '17:00')).toISOString(),
        extensions: [{ status: 'approved' }],
      });
      expect(step2.body.trail.at(-1)).toMatchObject({ action: 'extension_approved', remark: '同意延期' });
      // Each step's audit entry shows the extension beside the permit: requested, then signed step by step.
      const entries: { action: string; before: { extension?: object }; after: { extension?: object } }[] =
        await t.ds.query(`SELECT action, before, after FROM audit_log WHERE entity_id = $1 ORDER BY id`, [id]);
      const withExtension = entries.filter((e) => e.after?.extension);
      expect(withExtension.map((e) => [e.action, e.before.extension ?? null, e.after.extension])).toEqual([
        [
          'permit.extension_request',
          null,
          expect.objectContaining({ status: 'pending', currentStep: 0, reason: '钢梁焊接未完成' }),
        ],
        [
          'permit.approve',
          expect.objectContaining({ status: 'pending', currentStep: 0 }),
          expect.objectContaining({ status: 'pending', currentStep: 1 }),
        ],
        [
          'permit.approve',
          expect.objectContaining({ status: 'pending', currentStep: 1 }),
          expect.objectContaining({ status: 'approved', requestedEnd: new Date(cst(5, '17:00')).toISOString() }),
        ],
      ]);

      const more = await post('hengda.admin', `/api/permits/${id}/extend`, {
        newEnd: cst(5, '17:01'),
        reason: '再延期',
      });
      expect(more.body.error.code).toBe('EXTENSION_BEYOND_MAXIMUM');
    });

    it('a rejected extension leaves the end unchanged; one reaching into night hours needs a new permit', async () => {
      const id = await approvedLevel1({ plannedStart: cst(5, '12:00'), plannedEnd: cst(5, '16:00') });
      await post('hengda.admin', `/api/permits/${id}/extend`, { newEnd: cst(5, '18:00'), reason: '未完成' });
      const rejected = await post('hengda.foreman', `/api/permits/${id}/reject`, { reason: '不同意' });
      expect(rejected.body).toMatchObject({
        status: 'approved',
        plannedEnd: new Date(cst(5, '16:00')).toISOString(),
        extensions: [{ status: 'rejected', rejectionReason: '不同意' }],
      });
      await settings({ nightHours: { start: '19:00', end: '06:00' } });
      const night = await post('hengda.admin', `/api/permits/${id}/extend`, {
        newEnd: cst(5, '19:30'),
        reason: '赶工',
      });
      expect(night.status).toBe(422);
      expect(night.body.error).toMatchObject({ code: 'EXTENSION_RAISES_LEVEL', details: { wouldBe: 'special' } });
    });
  });

  describe('closing', () => {
    it('needs the fire watch to last at least 30 min after work stopped, and not in the future', async () => {
      const id = await approvedLevel1();
      clock.set(cst(5, '10:15'));
      expect(
        (
          await post('hengda.admin', `/api/permits/${id}/close`, {
            workStoppedAt: cst(5, '09:40'),
            fireWatchEndedAt: cst(5, '10:09'),
          })
        ).body.error.code,
      ).toBe('FIRE_WATCH_TOO_SHORT');
      // One minute of clock skew is tolerated, two are not.
      const future = await post('hengda.admin', `/api/permits/${id}/close`, {
        workStoppedAt: cst(5, '09:40'),
        fireWatchEndedAt: cst(5, '10:17'),
      });
      expect(future.body.error.fields[0]).toMatchObject({ field: 'fireWatchEndedAt', code: 'inFuture' });
      expect(
        (
          await post('hengda.admin', `/api/permits/${id}/close`, {
            workStoppedAt: cst(5, '09:30'),
            fireWatchEndedAt: cst(5, '10:00'),
          })
        ).body.status,
      ).toBe('closed');
    });

    it('cannot close a permit that is not yet in its window', async () => {
      const id = await approvedLevel1();
      const res = await post('hengda.admin', `/api/permits/${id}/close`, {
        workStoppedAt: cst(5, '08:00'),
        fireWatchEndedAt: cst(5, '08:30'),
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'INVALID_STATE', details: { status: 'approved' } });
    });
  });
});
