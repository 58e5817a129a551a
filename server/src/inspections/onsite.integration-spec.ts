import { png } from '../../test-support/images';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';

jest.setTimeout(180_000);

interface RecordBody {
  state: string;
  canAct: boolean;
  enterpriseId: string;
  enterpriseName: string;
  enterpriseAddress: string;
  findings: string;
  explained: string;
  signerName: string | null;
  signedAt: string | null;
  hasSignature: boolean;
  scans: { outcome: string; machine: { registered: boolean; chipBound: boolean } | null }[];
  unregisteredMachines: { id: string; hazardId: string; photoCount: number; description: string }[];
  hazards: { id: string; category: string; state: string; deadline: string | null }[];
}

/**
 * 五现场 on site (issue 15 §2): the two inspectors drawn for 恒达 in a 会亭镇 plan check in, scan, record
 * a machine with no code (a hazard and an off-platform finding), note findings, hand over orders, collect
 * the signature and later verify on site. A third inspector, the county (read only), an enterprise
 * user and a signed record are refused; bad input is a 4xx with field codes.
 */
describe('inspection on site (五现场)', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date('2026-06-02T02:00:00Z'));
  let planId = '';
  let position = 0;
  let base = '';
  const deadline = '2026-06-12T02:00:00.000Z';
  const signature = png(120, 40);

  const as = async (user: string) => t.auth(user);
  const get = async (user: string, path = '/record') => t.http.get(`${base}${path}`).set(await as(user));
  const patch = async (user: string, body: object) =>
    t.http
      .patch(`${base}/record`)
      .set(await as(user))
      .send(body);
  const post = async (user: string, path: string, body: object) =>
    t.http
      .post(`${base}${path}`)
      .set(await as(user))
      .send(body);
  const sign = async (user: string, file: Buffer | null, signerName = '王建国') => {
    const req = t.http
      .post(`${base}/signature`)
      .set(await as(user))
      .field('signerName', signerName)
      .field('latitude', '34.1722')
      .field('longitude', '116.0013');
    return file ? req.attach('signature', file, { filename: 'sign.png', contentType: 'image/png' }) : req;
  };
  const codeOfMachine = async (machineId: string): Promise<string> => {
    const [row] = await t.ds.query(
      `SELECT code FROM identity_codes WHERE subject_type = 'machine' AND subject_id = $1 AND status = 'active'`,
      [machineId],
    );
    return row.code as string;
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
        .send({ password: DEMO_PASSWORD, displayName: `${u.username} 执法员`, ...u });
      expect(res.status).toBe(201);
    }
    // 会亭镇 has two inspectors: both are drawn for every enterprise of its plan.
    const res = await t.http
      .post('/api/inspection-plans')
      .set(await as('huiting.regulator'))
      .send({
        title: '会亭镇现场检查',
        regionCode: '411426100',
        periodStart: '2026-06-01',
        periodEnd: '2026-06-30',
        sampleSize: 200,
        weights: { openAlerts: 1, daysSinceInspection: 1 },
        seed: 'onsite-spec-seed',
      });
    expect(res.status).toBe(201);
    planId = res.body.id;
    position = (res.body.targets as { enterpriseId: string; position: number }[]).find(
      (x) => x.enterpriseId === ids.steel,
    )!.position;
    base = `/api/inspection-plans/${planId}/targets/${position}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists my targets with where to go; a regulator not drawn has none of them', async () => {
    const mine = await t.http.get('/api/inspection-targets/mine').set(await as('huiting.second'));
    expect(mine.status).toBe(200);
    const row = mine.body.find(
      (r: { planId: string; position: number }) => r.planId === planId && r.position === position,
    );
    expect(row).toMatchObject({
      enterpriseName: '夏邑县恒达钢结构有限公司',
      state: 'assigned',
      planTitle: '会亭镇现场检查',
    });
    expect(row.enterpriseAddress.length).toBeGreaterThan(0);
    const other = await t.http.get('/api/inspection-targets/mine').set(await as('matou.regulator'));
    expect(other.body.filter((r: { planId: string }) => r.planId === planId)).toEqual([]);
    expect((await t.http.get('/api/inspection-targets/mine').set(await as('hengda.admin'))).status).toBe(403);
  });

  it('refuses on-site steps before the check-in', async () => {
    const res = await patch('huiting.regulator', { findings: '未签到' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INSPECTION_NOT_CHECKED_IN');
  });

  it('runs the visit: check in, scan, a machine with no code, findings, hand-over, signature', async () => {
    expect(
      (
        await t.http
          .post(`${base}/check-in`)
          .set(await as('huiting.regulator'))
          .send({ latitude: 34.1722, longitude: 116.0013 })
      ).status,
    ).toBe(200);

    // Scan a machine of 恒达 and a string that is no code at all: both recorded.
    const scanned = await post('huiting.regulator', '/scans', {
      code: await codeOfMachine(ids.steelMachine1),
      latitude: 34.1722,
      longitude: 116.0013,
    });
    expect(scanned.status).toBe(201);
    expect(scanned.body).toMatchObject({ outcome: 'found', subjectType: 'machine' });
    expect(scanned.body.machine).toMatchObject({ registered: true });
    expect(Array.isArray(scanned.body.recentArcs)).toBe(true);
    const [badge] = await t.ds.query(
      `SELECT code FROM identity_codes WHERE subject_type = 'welder' AND subject_id = $1 AND status = 'active'`,
      [ids.zhang],
    );
    const welder = await post('huiting.second', '/scans', { code: badge.code });
    expect(welder.status).toBe(201);
    expect(welder.body).toMatchObject({ subjectType: 'welder', machine: null });
    expect(['found', 'other_enterprise']).toContain(welder.body.outcome);
    expect(welder.body.welder.maskedName).toMatch(/^张/);
    expect(typeof welder.body.welder.certificate.validToday).toBe('boolean');
    const junk = await post('huiting.second', '/scans', { code: 'not-an-arcgate-code' });
    expect(junk.status).toBe(201);
    expect(junk.body.outcome).toBe('malformed');

    // A machine with no code, with a photo: a hazard and an off-platform finding.
    const found = await t.http
      .post(`${base}/unregistered-machines`)
      .set(await as('huiting.regulator'))
      .field('description', '2号车间西侧无铭牌交流焊机，无二维码')
      .field('latitude', '34.1723')
      .field('longitude', '116.0014')
      .attach('photos', png(32, 24), { filename: 'machine.png', contentType: 'image/png' });
    expect(found.status).toBe(201);
    const rec = found.body as RecordBody;
    expect(rec.unregisteredMachines).toHaveLength(1);
    expect(rec.unregisteredMachines[0].photoCount).toBe(1);
    const hazardId = rec.unregisteredMachines[0].hazardId;
    const [hz] = await t.ds.query(
      `SELECT category, source, source_inspection_target_id, enterprise_id, latitude FROM hazards WHERE id = $1`,
      [hazardId],
    );
    expect(hz).toMatchObject({ category: 'machine_not_chipped', source: 'inspection', enterprise_id: ids.steel });
    expect(hz.source_inspection_target_id).not.toBeNull();
    const list = await t.http.get('/api/off-platform/found-unregistered-machines').set(await as('huiting.regulator'));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ hazardId, enterpriseId: ids.steel, photoCount: 1 })]),
    );
    const ranking = await t.http.get('/api/off-platform/ranking').set(await as('huiting.regulator'));
    const steel = ranking.body.items.find((r: { enterpriseId: string }) => r.enterpriseId === ids.steel);
    expect(steel.signals).toEqual(
      expect.arrayContaining([expect.objectContaining({ signal: 'unregistered_machines_found', count: 1 })]),
    );

    // 现场查 / 现场讲, and 现场交办 of the machine's hazard and of a new one.
    const text = await patch('huiting.second', { findings: '一台焊机未赋码', explained: '讲解扫码开机要求' });
    expect(text.status).toBe(200);
    expect(text.body).toMatchObject({ findings: '一台焊机未赋码', explained: '讲解扫码开机要求' });
    const handed = await post('huiting.regulator', `/hazards/${hazardId}/hand-over`, {
      deadline,
      note: '限期为焊机加装控制芯片并赋码',
    });
    expect(handed.status).toBe(200);
    const fresh = await post('huiting.regulator', '/hazards', {
      category: 'fire_equipment_missing',
      level: 'general',
      description: '动火点未配置灭火器',
      deadline,
      note: '限期配齐灭火器',
    });
    expect(fresh.status).toBe(201);
    const hazards = (fresh.body as RecordBody).hazards;
    expect(hazards).toHaveLength(2);
    for (const h of hazards) expect(h).toMatchObject({ state: 'ordered', deadline });

    // 现场签字.
    const signed = await sign('huiting.regulator', signature);
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ state: 'signed', signerName: '王建国', hasSignature: true });
    const img = await get('xiayi.regulator', '/signature.png');
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(img.body as Buffer, signature)).toBe(0);

    // Audited with who, when and where.
    const audit: { action: string; actor_role: string; after: Record<string, unknown> }[] = await t.ds.query(
      `SELECT action, actor_role, after FROM audit_log WHERE entity_type = 'inspection_target' AND after->>'planId' = $1 ORDER BY id`,
      [planId],
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'inspection.check_in',
        'inspection.scan',
        'inspection.unregistered_machine',
        'inspection.record_update',
        'inspection.hand_over',
        'inspection.sign',
      ]),
    );
    const signAudit = audit.find((a) => a.action === 'inspection.sign')!;
    expect(signAudit.after).toMatchObject({ signerName: '王建国', latitude: 34.1722, longitude: 116.0013 });
  });

  it('refuses a third inspector, the county writing, an enterprise user', async () => {
    expect((await get('matou.regulator')).status).toBe(404);
    expect((await patch('matou.regulator', { findings: '越权' })).status).toBe(404);
    const county = await get('xiayi.regulator');
    expect(county.status).toBe(200);
    expect(county.body.canAct).toBe(false);
    expect((await post('xiayi.regulator', '/scans', { code: 'x' })).status).toBe(403);
    expect((await get('hengda.admin')).status).toBe(403);
    expect((await get('hengda.admin', '/signature.png')).status).toBe(403);
    expect((await get('welder.zhang')).status).toBe(403);
  });

  it('closes the record once signed: no edit, scan, finding or second signature', async () => {
    for (const res of [
      await patch('huiting.regulator', { findings: '补记' }),
      await post('huiting.second', '/scans', { code: 'again' }),
      await sign('huiting.second', signature),
      await post('huiting.regulator', '/hazards', {
        category: 'other',
        level: 'general',
        description: '签字后补记',
        deadline,
        note: '补交办',
      }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('INSPECTION_RECORD_SIGNED');
    }
  });

  it('answers bad input with field codes', async () => {
    // A second plan's target (会亭镇 has one enterprise), checked in, for the checks that must reach the service.
    const second = await t.http
      .post('/api/inspection-plans')
      .set(await as('huiting.second'))
      .send({
        title: '会亭镇复查',
        regionCode: '411426100',
        periodStart: '2026-06-01',
        periodEnd: '2026-06-30',
        sampleSize: 1,
        weights: { openAlerts: 1, daysSinceInspection: 1 },
      });
    expect(second.status).toBe(201);
    const other = { position: 1 };
    const saved = base;
    base = `/api/inspection-plans/${second.body.id}/targets/${other.position}`;
    try {
      await t.http
        .post(`${base}/check-in`)
        .set(await as('huiting.second'))
        .send({ latitude: 34.17, longitude: 116.0 })
        .expect(200);
      const long = await patch('huiting.second', { findings: 'x'.repeat(4001) });
      expect(long.status).toBe(400);
      expect(long.body.error.fields[0].field).toBe('findings');
      expect((await patch('huiting.second', {})).body.error.fields[0]).toMatchObject({ field: 'findings' });
      const empty = await post('huiting.second', '/scans', { code: '  ' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.fields[0].field).toBe('code');
      const half = await post('huiting.second', '/scans', { code: 'abc', latitude: 34.1 });
      expect(half.body.error.fields[0]).toMatchObject({ field: 'longitude', code: 'bothOrNeither' });
      const notPng = await sign('huiting.second', Buffer.from('GIF89a not a png at all, just text'));
      expect(notPng.status).toBe(415);
      expect(notPng.body.error.fields[0]).toMatchObject({ field: 'signature', code: 'notPng' });
      const big = Buffer.concat([signature.subarray(0, 33), Buffer.alloc(210 * 1024), signature.subarray(33)]);
      const tooBig = await sign('huiting.second', big);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error.fields[0]).toMatchObject({ field: 'signature', code: 'maxSize' });
      const noFile = await sign('huiting.second', null);
      expect(noFile.body.error.fields[0]).toMatchObject({ field: 'signature', code: 'isNotEmpty' });
      const noName = await sign('huiting.second', signature, '');
      expect(noName.status).toBe(400);
      expect(noName.body.error.fields[0].field).toBe('signerName');
      const past = await post('huiting.second', '/hazards', {
        category: 'other',
        level: 'general',
        description: '过期期限',
        deadline: '2026-05-01T00:00:00.000Z',
        note: '限期',
      });
      expect(past.body.error.fields[0]).toMatchObject({ field: 'deadline', code: 'deadlineInPast' });
      const badCat = await post('huiting.second', '/hazards', {
        category: 'nope',
        level: 'general',
        description: '类别错误',
        deadline,
        note: '限期',
      });
      expect(badCat.status).toBe(400);
      expect(badCat.body.error.fields[0].field).toBe('category');
      expect(
        (await t.http.get(`/api/inspection-plans/${planId}/targets/0/record`).set(await as('huiting.second'))).status,
      ).toBe(400);
    } finally {
      base = saved;
    }
  });

  it('verifies on site (现场验收) after the enterprise rectified, also on a signed record', async () => {
    const rec = (await get('huiting.regulator')).body as RecordBody;
    const h = rec.hazards[0];
    // Not yet rectified: the hazard register's own state rule answers.
    const early = await post('huiting.second', `/hazards/${h.id}/verify`, { passed: true, note: '现场复查' });
    expect(early.status).toBe(409);
    await t.http
      .post(`/api/hazards/${h.id}/rectify`)
      .set(await as('hengda.admin'))
      .send({ note: '已加装控制芯片并赋码' })
      .expect(200);
    expect((await post('xiayi.regulator', `/hazards/${h.id}/verify`, { passed: true, note: '越权' })).status).toBe(403);
    // The hazard's step and the visit's entry commit together: when the visit's entry cannot be stored,
    // the hazard stays rectified (the audit log refuses it here, as a failing insert would).
    await t.ds.query(`CREATE FUNCTION refuse_visit_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'inspection.verify' THEN RAISE EXCEPTION 'audit refused for the test'; END IF; RETURN NEW; END $$`);
    await t.ds.query(
      `CREATE TRIGGER refuse_visit_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_visit_audit()`,
    );
    try {
      expect((await post('huiting.second', `/hazards/${h.id}/verify`, { passed: true, note: '现场复查' })).status).toBe(
        500,
      );
    } finally {
      await t.ds.query(`DROP TRIGGER refuse_visit_audit ON audit_log`);
      await t.ds.query(`DROP FUNCTION refuse_visit_audit()`);
    }
    const [kept] = await t.ds.query(`SELECT state FROM hazards WHERE id = $1`, [h.id]);
    expect(kept.state).toBe('rectified');
    const ok = await post('huiting.second', `/hazards/${h.id}/verify`, {
      passed: true,
      note: '现场复查合格',
      latitude: 34.1722,
      longitude: 116.0013,
    });
    expect(ok.status).toBe(200);
    expect((ok.body as RecordBody).hazards.find((x) => x.id === h.id)!.state).toBe('verified');
    const [ev] = await t.ds.query(
      `SELECT on_site, latitude FROM hazard_events WHERE hazard_id = $1 AND step = 'verified'`,
      [h.id],
    );
    expect(ev.on_site).toBe(true);
    // A hazard not of this visit is not found here.
    const [foreign] = await t.ds.query(`SELECT id FROM hazards WHERE source_inspection_target_id IS NULL LIMIT 1`);
    if (foreign)
      expect(
        (await post('huiting.second', `/hazards/${foreign.id}/verify`, { passed: true, note: '无关' })).status,
      ).toBe(404);
  });
  it('the draw is the authority at its target: an inspector from another township registers and orders that enterprise’s hazards, and no other’s', async () => {
    // A county plan may send 马头镇's inspector to 会亭镇's 恒达: the draw, not the home township, decides.
    const county = await t.http
      .post('/api/inspection-plans')
      .set(await as('xiayi.regulator'))
      .send({
        title: '全县交叉检查',
        regionCode: '411426',
        periodStart: '2026-06-01',
        periodEnd: '2026-06-30',
        sampleSize: 200,
        weights: { openAlerts: 1, daysSinceInspection: 1 },
      });
    expect(county.status).toBe(201);
    const steel = (county.body.targets as { enterpriseId: string; position: number }[]).find(
      (x) => x.enterpriseId === ids.steel,
    )!;
    const [matou] = await t.ds.query(`SELECT id FROM users WHERE username = 'matou.regulator'`);
    const [xiayi] = await t.ds.query(`SELECT id FROM users WHERE username = 'xiayi.regulator'`);
    // Arranged rather than searched for a seed: the pair is what this test is about.
    await t.ds.query(
      `UPDATE inspection_targets SET inspector_ids = ARRAY[$1, $2]::uuid[] WHERE plan_id = $3 AND position = $4`,
      [matou.id, xiayi.id, county.body.id, steel.position],
    );
    const saved = base;
    base = `/api/inspection-plans/${county.body.id}/targets/${steel.position}`;
    try {
      await t.http
        .post(`${base}/check-in`)
        .set(await as('matou.regulator'))
        .send({ latitude: 34.17, longitude: 116.0 })
        .expect(200);
      const handed = await post('matou.regulator', '/hazards', {
        category: 'fire_watch_missing',
        level: 'general',
        description: '交叉检查发现无监护人',
        deadline,
        note: '限期整改',
      });
      expect(handed.status).toBe(201);
      const hazard = (handed.body.hazards as { description: string; id: string; state: string }[]).find(
        (h) => h.description === '交叉检查发现无监护人',
      )!;
      expect(hazard.state).toBe('ordered');
      // The record's PDF is the drawn inspector's to hand over, though the county's plan is not in its region.
      const pdf = await t.http.get(`${base}/record.pdf`).set(await as('matou.regulator'));
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      // Its own township's hazards register stays closed to it: the authority is the target's only.
      const direct = await t.http
        .post('/api/hazards')
        .set(await as('matou.regulator'))
        .send({ enterpriseId: ids.steel, category: 'other', level: 'general', description: '绕过现场记录' });
      expect(direct.status).toBe(404);
    } finally {
      base = saved;
    }
  });
  it('a finding or hand-over racing the signature adds nothing to the signed record', async () => {
    const plan = await t.http
      .post('/api/inspection-plans')
      .set(await as('huiting.regulator'))
      .send({
        title: '会亭镇复查',
        regionCode: '411426100',
        periodStart: '2026-06-01',
        periodEnd: '2026-06-30',
        sampleSize: 200,
        weights: { openAlerts: 1, daysSinceInspection: 1 },
        seed: 'onsite-race-seed',
      });
    expect(plan.status).toBe(201);
    const target = (plan.body.targets as { id: string; enterpriseId: string; position: number }[]).find(
      (x) => x.enterpriseId === ids.steel,
    )!;
    const saved = base;
    base = `/api/inspection-plans/${plan.body.id}/targets/${target.position}`;
    const [row] = await t.ds.query(`SELECT id FROM inspection_targets WHERE plan_id = $1 AND position = $2`, [
      plan.body.id,
      target.position,
    ]);
    const lockWaiters = async (): Promise<number> =>
      Number(
        (
          await t.ds.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        )[0].n,
      );
    const until = async (n: number): Promise<void> => {
      for (let i = 0; i < 200 && (await lockWaiters()) < n; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await lockWaiters()).toBe(n);
    };
    const holder = t.ds.createQueryRunner();
    try {
      await t.http
        .post(`${base}/check-in`)
        .set(await as('huiting.regulator'))
        .send({ latitude: 34.17, longitude: 116.0 })
        .expect(200);
      // Hold the target as a step in progress would; the signature queues first, the findings behind it.
      await holder.connect();
      await holder.startTransaction();
      await holder.query(`SELECT id FROM inspection_targets WHERE id = $1 FOR UPDATE`, [row.id]);
      const signing = sign('huiting.second', signature).then((r) => r);
      await until(1);
      const finding = t.http
        .post(`${base}/unregistered-machines`)
        .set(await as('huiting.regulator'))
        .field('description', '签字同时发现的无码焊机')
        .attach('photos', png(32, 24), { filename: 'machine.png', contentType: 'image/png' })
        .then((r) => r);
      await until(2);
      const handOver = post('huiting.regulator', '/hazards', {
        category: 'other',
        level: 'general',
        description: '签字同时交办',
        deadline,
        note: '限期整改',
      }).then((r) => r);
      await until(3);
      await holder.commitTransaction();
      const [signed, found, handed] = await Promise.all([signing, finding, handOver]);
      expect(signed.status).toBe(200);
      for (const res of [found, handed]) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('INSPECTION_RECORD_SIGNED');
      }
      const [counts] = await t.ds.query(
        `SELECT (SELECT count(*)::int FROM hazards WHERE source_inspection_target_id = $1) AS hazards,
                (SELECT count(*)::int FROM inspection_unregistered_machines WHERE target_id = $1) AS findings`,
        [row.id],
      );
      expect(counts).toEqual({ hazards: 0, findings: 0 });
      const record = await get('huiting.regulator');
      expect(record.body).toMatchObject({ state: 'signed', hazards: [], unregisteredMachines: [] });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
      base = saved;
    }
  });
});
