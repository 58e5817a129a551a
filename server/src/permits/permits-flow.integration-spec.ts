import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { cst, DemoIds, demoIds, permitBody, registerFireWatcher, STEEL_SITE } from './testing/permit-fixtures';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

describe('permits: draft to closed through the API', () => {
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
  beforeEach(() => clock.set(cst(5, '08:00')));

  const as = async (user: string) => t.auth(user);
  const post = async (user: string, url: string, body: object = {}) =>
    t.http
      .post(url)
      .set(await as(user))
      .send(body);

  it('takes a 二级 permit from draft to closed, enforcing self-approval, positions and the fire watch', async () => {
    const created = await post(
      'hengda.admin',
      '/api/permits',
      permitBody(ids, { checklist: { combustiblesCleared15m: true } }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      requestedLevel: 'level2',
      effectiveLevel: 'level2',
      fireWatcher: { name: '王监护', phoneMasked: '139****9999' },
    });
    expect(JSON.stringify(created.body)).not.toContain('13900009999');
    const id = created.body.id as string;

    // Submission needs the whole checklist.
    const incomplete = await post('hengda.admin', `/api/permits/${id}/submit`);
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.code).toBe('PERMIT_INCOMPLETE');
    expect(incomplete.body.error.fields.map((f: { field: string }) => f.field)).toContain(
      'checklist.extinguishersInPlace',
    );

    const patched = await t.http
      .patch(`/api/permits/${id}`)
      .set(await as('hengda.admin'))
      .send({
        checklist: { extinguishersInPlace: true, openingsCovered: true, equipmentIsolated: true, ppeInPlace: true },
      });
    expect(patched.status).toBe(200);
    expect(patched.body.checklist.filter((c: { checked: boolean }) => c.checked)).toHaveLength(5);
    // The entry shows what the change touched: the checklist before and after, and the parties named.
    const [updated] = await t.ds.query(
      `SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = 'permit.update' ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(updated.before).toMatchObject({
      checklist: { combustiblesCleared15m: true },
      welderIds: [ids.zhang],
      machineIds: [ids.steelMachine1],
      geofence: expect.objectContaining({ type: expect.any(String) }),
    });
    expect(updated.after.checklist).toMatchObject({ extinguishersInPlace: true, ppeInPlace: true });

    const photo = await t.http
      .post(`/api/permits/${id}/attachments`)
      .set(await as('hengda.admin'))
      .attach('file', PNG, { filename: 'site.png', contentType: 'image/png' });
    expect(photo.status).toBe(201);
    expect(photo.body).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length, fileName: 'site.png' });

    const submitted = await post('hengda.admin', `/api/permits/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      approval: { chain: ['unit_head'], currentStep: 0, nextPosition: 'unit_head', round: 1 },
    });

    const self = await post('hengda.admin', `/api/permits/${id}/approve`, { remark: '自己批' });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('SELF_APPROVAL');
    const wrongPosition = await post('hengda.safety', `/api/permits/${id}/approve`);
    expect(wrongPosition.status).toBe(403);
    expect(wrongPosition.body.error.code).toBe('APPROVER_POSITION_REQUIRED');
    const regulator = await post('huiting.regulator', `/api/permits/${id}/approve`);
    expect(regulator.status).toBe(403);

    const approved = await post('hengda.foreman', `/api/permits/${id}/approve`, { remark: '措施落实，同意' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.trail.map((e: { action: string }) => e.action)).toEqual(['submitted', 'approved']);
    expect(approved.body.trail[0]).toMatchObject({ action: 'submitted', actorName: '恒达钢结构安全科' });
    expect(approved.body.trail[1]).toMatchObject({
      actorUsername: 'hengda.foreman',
      actorName: '恒达钢结构车间主任',
      position: 'unit_head',
      remark: '措施落实，同意',
      step: 0,
    });

    clock.set(cst(5, '08:55'));
    const gas = await post('hengda.admin', `/api/permits/${id}/gas-analyses`, {
      takenAt: cst(5, '08:50'),
      gas: '甲烷',
      lelPercent: 5,
      readingPercentVol: 0.5,
      analyst: '李分析',
    });
    expect(gas.status).toBe(201);
    expect(gas.body).toMatchObject({ lelClass: 'ge4', passed: true });

    const early = await post('hengda.admin', `/api/permits/${id}/evaluate`, {
      welderId: ids.zhang,
      machineId: ids.steelMachine1,
      position: STEEL_SITE,
    });
    expect(early.body).toMatchObject({ allowed: false, reason: 'PERMIT_NOT_STARTED' });
    clock.set(cst(5, '09:00'));
    const ok = await post('huiting.regulator', `/api/permits/${id}/evaluate`, {
      welderId: ids.zhang,
      machineId: ids.steelMachine1,
      position: STEEL_SITE,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      allowed: true,
      reason: 'OK',
      message: { zh: expect.any(String), en: expect.any(String) },
      permit: { id, validUntil: new Date(cst(5, '17:00')).toISOString() },
    });

    const detail = await t.http.get(`/api/permits/${id}`).set(await as('xiayi.regulator'));
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      status: 'active',
      gasAnalyses: [expect.objectContaining({ passed: true })],
      attachments: [expect.objectContaining({ contentType: 'image/png' })],
    });
    const download = await t.http
      .get(detail.body.attachments[0].url)
      .set(await as('welder.zhang'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(download.body as Buffer, PNG)).toBe(0);

    clock.set(cst(5, '12:00'));
    const tooShort = await post('hengda.admin', `/api/permits/${id}/close`, {
      workStoppedAt: cst(5, '11:00'),
      fireWatchEndedAt: cst(5, '11:29'),
    });
    expect(tooShort.status).toBe(422);
    expect(tooShort.body.error).toMatchObject({
      code: 'FIRE_WATCH_TOO_SHORT',
      fields: [expect.objectContaining({ field: 'fireWatchEndedAt', code: 'fireWatchTooShort' })],
    });
    const closed = await post('hengda.admin', `/api/permits/${id}/close`, {
      workStoppedAt: cst(5, '11:00'),
      fireWatchEndedAt: cst(5, '11:30'),
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      workStoppedAt: new Date(cst(5, '11:00')).toISOString(),
      fireWatchEndedAt: new Date(cst(5, '11:30')).toISOString(),
    });

    const after = await post('hengda.admin', `/api/permits/${id}/evaluate`, {
      welderId: ids.zhang,
      machineId: ids.steelMachine1,
      position: STEEL_SITE,
    });
    expect(after.body.reason).toBe('PERMIT_CLOSED');
    const again = await post('hengda.admin', `/api/permits/${id}/submit`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'INVALID_STATE', details: { status: 'closed' } });

    const audit = await t.ds.query(
      `SELECT action, after::text AS after FROM audit_log WHERE entity_type = 'permit' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining([
        'permit.create',
        'permit.update',
        'permit.submit',
        'permit.approve',
        'permit.gas_analysis',
        'permit.close',
      ]),
    );
    expect(audit.some((a: { after: string }) => a.after.includes('13900009999'))).toBe(false);
  });

  it('rejection returns the permit to the applicant with the reason; resubmission starts a new round', async () => {
    const { body: draft } = await post('hengda.admin', '/api/permits', permitBody(ids, { level: 'level1' }));
    const sub = await post('hengda.admin', `/api/permits/${draft.id}/submit`);
    expect(sub.body.approval.chain).toEqual(['unit_head', 'safety_department']);
    expect((await post('hengda.foreman', `/api/permits/${draft.id}/approve`)).body.approval.currentStep).toBe(1);
    // Step 2 belongs to the safety department: the unit head cannot sign it.
    expect((await post('hengda.foreman', `/api/permits/${draft.id}/approve`)).body.error.code).toBe(
      'APPROVER_POSITION_REQUIRED',
    );
    const rejected = await post('hengda.safety', `/api/permits/${draft.id}/reject`, { reason: '监护人未到位' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: '监护人未到位' });
    expect(rejected.body.trail.at(-1)).toMatchObject({
      action: 'rejected',
      actorUsername: 'hengda.safety',
      remark: '监护人未到位',
      step: 1,
    });

    expect(
      (
        await t.http
          .patch(`/api/permits/${draft.id}`)
          .set(await as('hengda.admin'))
          .send({ fireWatcher: { personId: ids.liu } })
      ).status,
    ).toBe(200);
    const again = await post('hengda.admin', `/api/permits/${draft.id}/submit`);
    expect(again.body).toMatchObject({
      status: 'submitted',
      rejectionReason: null,
      approval: { round: 2, currentStep: 0 },
    });
    await post('hengda.foreman', `/api/permits/${draft.id}/approve`);
    expect((await post('hengda.safety', `/api/permits/${draft.id}/approve`)).body.status).toBe('approved');
    expect(
      (
        await t.http
          .patch(`/api/permits/${draft.id}`)
          .set(await as('hengda.admin'))
          .send({ workDescription: 'x' })
      ).body.error.code,
    ).toBe('INVALID_STATE');
  });

  it('cancels before close (applicant or approver), ending the permit for the device', async () => {
    const { body: draft } = await post('hengda.admin', '/api/permits', permitBody(ids));
    await post('hengda.admin', `/api/permits/${draft.id}/submit`);
    await post('hengda.foreman', `/api/permits/${draft.id}/approve`);
    const cancelled = await post('hengda.foreman', `/api/permits/${draft.id}/cancel`, { reason: '天气变化，取消作业' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '天气变化，取消作业' });
    clock.set(cst(5, '10:00'));
    const ev = await post('hengda.admin', `/api/permits/${draft.id}/evaluate`, {
      welderId: ids.zhang,
      machineId: ids.steelMachine1,
      position: STEEL_SITE,
    });
    expect(ev.body.reason).toBe('PERMIT_CANCELLED');
    expect(
      (await post('hengda.admin', `/api/permits/${draft.id}/cancel`, { reason: 'again' })).body.error,
    ).toMatchObject({ code: 'INVALID_STATE', details: { status: 'cancelled' } });
  });
});

describe('permits: scope and visibility', () => {
  let t: TestApp;
  let ids: DemoIds;
  let steelPermit: string;
  let machineryPermit: string;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    steelPermit = (
      await t.http
        .post('/api/permits')
        .set(await t.auth('hengda.admin'))
        .send(permitBody(ids))
    ).body.id;
    const m = await t.http
      .post('/api/permits')
      .set(await t.auth('admin'))
      .send(
        permitBody(ids, {
          enterpriseId: ids.machinery,
          welderIds: [ids.chen],
          machineIds: [ids.machineryMachine],
          fireWatcher: undefined,
        }),
      );
    expect(m.status).toBe(201);
    machineryPermit = m.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const listIds = async (user: string, query = '') =>
    ((await t.http.get(`/api/permits${query}`).set(await t.auth(user))).body.items as { id: string }[]).map(
      (p) => p.id,
    );

  it("regulators see their region subtree only; a sibling township's permit is 404", async () => {
    expect(await listIds('xiayi.regulator')).toEqual(expect.arrayContaining([steelPermit, machineryPermit]));
    expect(await listIds('huiting.regulator')).toEqual([steelPermit]);
    expect((await t.http.get(`/api/permits/${machineryPermit}`).set(await t.auth('huiting.regulator'))).status).toBe(
      404,
    );
    const ev = await t.http
      .post(`/api/permits/${machineryPermit}/evaluate`)
      .set(await t.auth('huiting.regulator'))
      .send({ welderId: ids.chen, machineId: ids.machineryMachine });
    expect(ev.status).toBe(404);
  });

  it('enterprises see only their own; cross-enterprise reads and writes are 404', async () => {
    expect(await listIds('hengda.admin')).toEqual([steelPermit]);
    for (const [method, url] of [
      ['get', ''],
      ['post', '/submit'],
      ['post', '/approve'],
      ['patch', ''],
    ] as const) {
      const res = await t.http[method](`/api/permits/${machineryPermit}${url}`)
        .set(await t.auth('hengda.admin'))
        .send({});
      expect(res.status).toBe(404);
    }
    const forOther = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(permitBody(ids, { enterpriseId: ids.machinery }));
    expect(forOther.status).toBe(404);
  });

  it("refuses naming another enterprise's machine or welder, without saying whether it exists", async () => {
    const res = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(
        permitBody(ids, {
          welderIds: [ids.zhang, ids.sun],
          machineIds: [ids.machineryMachine, '00000000-0000-4000-8000-000000000000'],
        }),
      );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PERMIT_PARTY_UNAVAILABLE');
    const fields = res.body.error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
    expect(fields).toEqual([
      'welderIds[1]:welderNotAvailable',
      'machineIds[0]:machineNotAvailable',
      'machineIds[1]:machineNotAvailable',
    ]);
    // 陈静 is employed by machinery but dispatched (劳务派遣) to steel: allowed.
    const dispatched = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(permitBody(ids, { welderIds: [ids.chen] }));
    expect(dispatched.status).toBe(201);
  });

  it('welders see the permits naming them, and cannot write', async () => {
    expect(await listIds('welder.zhang')).toEqual([steelPermit]);
    expect((await t.http.get(`/api/permits/${machineryPermit}`).set(await t.auth('welder.zhang'))).status).toBe(404);
    expect((await t.http.get(`/api/permits/${steelPermit}`).set(await t.auth('welder.zhang'))).status).toBe(200);
    expect((await t.http.post(`/api/permits/${steelPermit}/submit`).set(await t.auth('welder.zhang'))).status).toBe(
      403,
    );
    expect(
      (
        await t.http
          .post('/api/permits')
          .set(await t.auth('welder.zhang'))
          .send(permitBody(ids))
      ).status,
    ).toBe(403);
  });

  it('filters by status, level, welder, machine and enterprise', async () => {
    expect(await listIds('xiayi.regulator', `?machineId=${ids.machineryMachine}`)).toEqual([machineryPermit]);
    expect(await listIds('xiayi.regulator', `?welderId=${ids.zhang}`)).toEqual([steelPermit]);
    expect(await listIds('xiayi.regulator', `?enterpriseId=${ids.machinery}&status=draft&level=level2`)).toEqual([
      machineryPermit,
    ]);
    expect(await listIds('xiayi.regulator', '?status=active')).toEqual([]);
    expect(await listIds('xiayi.regulator', `?activeAt=${encodeURIComponent(cst(5, '10:00'))}`)).toEqual([]);
    const page = await t.http.get('/api/permits?pageSize=1').set(await t.auth('xiayi.regulator'));
    expect(page.body).toMatchObject({ page: 1, pageSize: 1, total: 3 });
    expect(page.body.items).toHaveLength(1);
  });
});
