import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { cst, DemoIds, demoIds, permitBody } from './testing/permit-fixtures';

/** Issue 14 §4: the form guides (candidates with reasons, window, gas, approvers), numbers, and whose step it is. */
describe('permits: the guided form, permit numbers, approval by whose step it is', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => clock.set(cst(5, '08:00')));

  const send = async (method: 'post' | 'patch' | 'get', user: string, url: string, body: object = {}) =>
    method === 'get'
      ? t.http.get(url).set(await t.auth(user))
      : t.http[method](url)
          .set(await t.auth(user))
          .send(body);
  const guide = (user: string, q: Record<string, string>) =>
    send('get', user, `/api/permits/form-guide?${new URLSearchParams(q).toString()}`);
  const window2 = { level: 'level2', plannedStart: cst(5, '09:00'), plannedEnd: cst(5, '17:00') };

  it('lists the enterprise’s welders and machines with the reason each cannot work in the window', async () => {
    await t.ds.query(`UPDATE certificates SET expires_on = '2026-01-05' WHERE welder_id = $1`, [ids.liu]);
    await t.ds.query(`UPDATE machines SET status = 'suspended' WHERE id = $1`, [ids.steelMachine2]);
    try {
      const res = await guide('hengda.admin', window2);
      expect(res.status).toBe(200);
      const welder = (id: string) => res.body.welders.find((w: { id: string }) => w.id === id);
      const machine = (id: string) => res.body.machines.find((m: { id: string }) => m.id === id);
      expect(welder(ids.zhang)).toMatchObject({ realName: '张伟', block: null, employee: true });
      expect(welder(ids.liu)).toMatchObject({ block: 'certificateExpired' });
      expect(machine(ids.steelMachine1)).toMatchObject({ block: null });
      expect(machine(ids.steelMachine2)).toMatchObject({ block: 'machineInactive', status: 'suspended' });
      // Only the enterprise's own or engaged people, and its own or lent machines, are offered.
      const offered = res.body.welders.map((w: { id: string }) => w.id) as string[];
      const allowed = (
        await t.ds.query<{ id: string }[]>(
          `SELECT id FROM welders WHERE employer_id = $1 UNION SELECT welder_id FROM welder_engagements WHERE enterprise_id = $1`,
          [ids.steel],
        )
      ).map((r) => r.id);
      expect(offered.every((id) => allowed.includes(id))).toBe(true);
      expect(machine(ids.machineryMachine)).toBeUndefined();
      // Eligible first.
      expect(res.body.welders[0].block).toBeNull();

      // Submitting the disabled welder by API anyway is refused with the same code the form showed.
      const draft = await send('post', 'hengda.admin', '/api/permits', permitBody(ids, { welderIds: [ids.liu] }));
      expect(draft.status).toBe(201);
      const submit = await send('post', 'hengda.admin', `/api/permits/${draft.body.id}/submit`);
      expect(submit.status).toBe(422);
      expect(submit.body.error.fields[0]).toMatchObject({ field: 'welderIds[0]', code: 'certificateExpired' });
      const machineDraft = await send(
        'post',
        'hengda.admin',
        '/api/permits',
        permitBody(ids, { machineIds: [ids.steelMachine2] }),
      );
      const machineSubmit = await send('post', 'hengda.admin', `/api/permits/${machineDraft.body.id}/submit`);
      expect(machineSubmit.status).toBe(422);
      expect(machineSubmit.body.error.fields[0]).toMatchObject({ field: 'machineIds[0]', code: 'machineInactive' });
    } finally {
      await t.ds.query(
        `UPDATE certificates SET expires_on = '2028-06-30' WHERE welder_id = $1 AND expires_on = '2026-01-05'`,
        [ids.liu],
      );
      await t.ds.query(`UPDATE machines SET status = 'active' WHERE id = $1`, [ids.steelMachine2]);
    }
  });

  it('shows the level maximum, the gas rules and the approvers before submit', async () => {
    const l2 = await guide('hengda.admin', window2);
    expect(l2.body).toMatchObject({
      requestedLevel: 'level2',
      effectiveLevel: 'level2',
      maxWindowHours: 72,
      windowFits: true,
      gas: {
        maxAgeMin: 30,
        pauseLimitMin: 60,
        passMarkLelAtLeast4: 0.5,
        passMarkLelBelow4: 0.2,
        continuousMonitoring: false,
      },
      approvers: [
        {
          position: 'unit_head',
          holders: expect.arrayContaining([expect.objectContaining({ displayName: '恒达钢结构车间主任' })]),
        },
      ],
    });
    const l1 = await guide('hengda.admin', { ...window2, level: 'level1', plannedEnd: cst(5, '18:00') });
    expect(l1.body).toMatchObject({ maxWindowHours: 8, windowFits: false, gas: { pauseLimitMin: 30 } });
    expect(new Date(l1.body.latestEnd).toISOString()).toBe(new Date(cst(5, '17:00')).toISOString());
    expect(l1.body.approvers.length).toBeGreaterThan(0);
    // Regulators and welders do not fill in permit forms; another enterprise's form is not theirs either.
    expect((await guide('huiting.regulator', { ...window2, enterpriseId: ids.steel })).status).toBe(403);
    const foreign = await guide('hengda.admin', { ...window2, enterpriseId: ids.machinery });
    expect([403, 404]).toContain(foreign.status);
    const reversed = await guide('hengda.admin', { ...window2, plannedEnd: cst(5, '08:00') });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.fields[0].field).toBe('plannedEnd');
  });

  it('numbers each permit DH-<year>-<seq>, unique per enterprise even when drafted at the same time', async () => {
    const made = await Promise.all(
      Array.from({ length: 6 }, () => send('post', 'hengda.admin', '/api/permits', permitBody(ids))),
    );
    expect(made.map((r) => r.status)).toEqual(Array(6).fill(201));
    const numbers = made.map((r) => r.body.permitNo as string);
    expect(new Set(numbers).size).toBe(6);
    for (const n of numbers) expect(n).toMatch(/^DH-2026-\d{4}$/);
    const seqs = numbers.map((n) => Number(n.slice(-4))).sort((a, b) => a - b);
    expect(seqs[5] - seqs[0]).toBe(5);
    const listed = await send('get', 'hengda.admin', `/api/permits/${made[0].body.id}`);
    expect(listed.body.permitNo).toBe(numbers[0]);
  });

  it('lets drafts be edited, never a submitted permit; the approve buttons go to whose step it is, and the badge counts it', async () => {
    const draft = await send('post', 'hengda.admin', '/api/permits', permitBody(ids));
    const id = draft.body.id as string;
    const edited = await send('patch', 'hengda.admin', `/api/permits/${id}`, { workDescription: '3号车间钢梁焊接' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      status: 'draft',
      workDescription: '3号车间钢梁焊接',
      permitNo: draft.body.permitNo,
    });

    const badgeBefore = (await send('get', 'hengda.foreman', '/api/permits/awaiting-me')).body.count as number;
    const submitted = await send('post', 'hengda.admin', `/api/permits/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.viewerCanDecide).toBe(false);

    const editSubmitted = await send('patch', 'hengda.admin', `/api/permits/${id}`, { workDescription: '改' });
    expect(editSubmitted.status).toBe(409);
    expect(editSubmitted.body.error.code).toBe('INVALID_STATE');

    // 二级: one step, unit_head. The foreman holds it; the applicant holds it too but cannot sign their own.
    expect((await send('get', 'hengda.foreman', `/api/permits/${id}`)).body.viewerCanDecide).toBe(true);
    expect((await send('get', 'hengda.admin', `/api/permits/${id}`)).body.viewerCanDecide).toBe(false);
    expect((await send('get', 'hengda.safety', `/api/permits/${id}`)).body.viewerCanDecide).toBe(false);
    expect((await send('get', 'huiting.regulator', `/api/permits/${id}`)).body.viewerCanDecide).toBe(false);
    expect((await send('get', 'hengda.foreman', '/api/permits/awaiting-me')).body.count).toBe(badgeBefore + 1);
    expect((await send('get', 'hengda.safety', '/api/permits/awaiting-me')).body.count).toBe(0);

    // Someone else approving anyway is refused by the server.
    const other = await send('post', 'hengda.safety', `/api/permits/${id}/approve`, {});
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('APPROVER_POSITION_REQUIRED');
    const otherReject = await send('post', 'hengda.safety', `/api/permits/${id}/reject`, { reason: '不同意' });
    expect(otherReject.status).toBe(403);

    const approved = await send('post', 'hengda.foreman', `/api/permits/${id}/approve`, { remark: '同意' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', viewerCanDecide: false });
    // Approval does not wait for the gas analysis; the permit says arming will need one.
    expect(approved.body.gasReadiness).toMatchObject({ verdictNow: 'GAS_ANALYSIS_MISSING', maxAgeMin: 30 });
    expect((await send('get', 'hengda.foreman', '/api/permits/awaiting-me')).body.count).toBe(badgeBefore);
  });

  it('gives the printable form: number, welders with masked certificate numbers, and a QR code of its link', async () => {
    const draft = await send('post', 'hengda.admin', '/api/permits', permitBody(ids));
    const res = await send('get', 'hengda.admin', `/api/permits/${draft.body.id}/print`);
    expect(res.status).toBe(200);
    expect(res.body.permit).toMatchObject({ id: draft.body.id, permitNo: draft.body.permitNo });
    expect(res.body.welders).toEqual([
      expect.objectContaining({
        realName: '张伟',
        certificateNumberMasked: expect.stringMatching(/^T.*\*+/),
        certificateExpiresOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      }),
    ]);
    expect(res.body.link).toMatch(new RegExp(`/permits/${draft.body.id}/print$`));
    const svg = Buffer.from(res.body.qrDataUrl.replace('data:image/svg+xml;base64,', ''), 'base64').toString();
    expect(svg).toContain('<svg');
    // Nothing unmasked: the welder's full ID number never appears.
    const idNumber = (await t.ds.query('SELECT id_number_masked FROM welders WHERE id = $1', [ids.zhang]))[0];
    expect(idNumber).toBeDefined();
    expect(JSON.stringify(res.body)).not.toMatch(/\d{17}[\dX]/);
    expect((await send('get', 'hengda.admin', `/api/permits/00000000-0000-4000-8000-000000000000/print`)).status).toBe(
      404,
    );
  });
});
