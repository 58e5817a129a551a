import { Response } from 'supertest';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { idNumberCheckChar } from '../common/validation/identifiers';
import { DEMO_WELDERS } from '../seed/demo-data';

const idNo = (body17: string) => body17 + idNumberCheckChar(body17);
const badCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
const fieldCodes = (res: Response) =>
  (res.body.error?.fields ?? []).map((f: { field: string; code: string }) => `${f.field}:${f.code}`);

describe('welders', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-01-05T08:00:00Z')); // China date 2026-01-05; chen's dispatch to steel began 2026-01-01
  const bodies: string[] = [];
  const ids: Record<string, string> = {};
  const enterprises: Record<string, string> = {};
  const NEW_ID = idNo('41142619950505005');
  const NEW_PHONE = '13712345678';

  /** Every response is kept so that the test can prove no plain personal data ever left the server. */
  const keep = async (req: PromiseLike<Response>): Promise<Response> => {
    const res = await req;
    bodies.push(res.text);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const all = await keep(t.http.get('/api/welders?pageSize=50').set(await t.auth('admin')));
    for (const w of all.body.items) ids[DEMO_WELDERS.find((d) => d.realName === w.realName)!.key] = w.id;
    for (const [key, uscc] of Object.entries({
      steel: '91411426MA44HD001',
      machinery: '91411426MA44HY002',
      construction: '91411426MA44JG003',
    })) {
      const [row] = await t.ds.query('SELECT id FROM enterprises WHERE uscc LIKE $1', [`${uscc}%`]);
      enterprises[key] = row.id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set('2026-01-05T08:00:00Z'));

  const names = (res: Response) => res.body.items.map((w: { realName: string }) => w.realName).sort();

  it('lists welders by scope: county all, township its enterprises plus welders dispatched there, enterprise own plus engaged, welder itself', async () => {
    expect(names(await keep(t.http.get('/api/welders').set(await t.auth('xiayi.regulator'))))).toEqual(
      ['刘洋', '孙磊', '张伟', '陈静'].sort(),
    );
    expect(names(await keep(t.http.get('/api/welders').set(await t.auth('huiting.regulator'))))).toEqual(
      ['刘洋', '张伟', '陈静'].sort(),
    );
    expect(names(await keep(t.http.get('/api/welders').set(await t.auth('hengda.admin'))))).toEqual(
      ['刘洋', '张伟', '陈静'].sort(),
    );
    const self = await keep(t.http.get('/api/welders').set(await t.auth('welder.zhang')));
    expect(self.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(self.body.items[0]).toMatchObject({
      id: ids.zhang,
      idNumberMasked: '4114**********' + DEMO_WELDERS[0].idNumber.slice(-4),
      phoneMasked: '139****1111',
    });
    expect(self.body.items[0].certificateNumberMasked).toBe(`T${self.body.items[0].idNumberMasked}`);
  });

  it('dispatched welders are visible to the host only while the engagement runs (before it: 404 for township and host)', async () => {
    const huiting = await t.auth('huiting.regulator');
    const hengda = await t.auth('hengda.admin');
    expect((await keep(t.http.get(`/api/welders/${ids.chen}`).set(hengda))).status).toBe(200);
    expect((await keep(t.http.get(`/api/welders/${ids.chen}`).set(huiting))).status).toBe(200);
    clock.set('2025-12-31T08:00:00Z');
    for (const h of [huiting, hengda]) {
      const res = await keep(t.http.get(`/api/welders/${ids.chen}`).set(h));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(names(await keep(t.http.get('/api/welders').set(h)))).not.toContain('陈静');
      expect((await keep(t.http.get(`/api/welders/${ids.chen}/trainings`).set(h))).status).toBe(404);
    }
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.chen}/trainings`)
            .set(huiting)
            .send({ tier: 'township', course: '安全培训', hours: 4, completedOn: '2025-12-30', passed: true }),
        )
      ).status,
    ).toBe(404);
  });

  it('hides out-of-scope welders with 404 on every endpoint', async () => {
    const huiting = await t.auth('huiting.regulator');
    const hengda = await t.auth('hengda.admin');
    const zhang = await t.auth('welder.zhang');
    for (const h of [huiting, hengda]) {
      expect((await keep(t.http.get(`/api/welders/${ids.sun}`).set(h))).status).toBe(404);
      expect((await keep(t.http.get(`/api/welders/${ids.sun}/trainings`).set(h))).status).toBe(404);
      expect(
        (
          await keep(
            t.http
              .post(`/api/welders/${ids.sun}/trainings`)
              .set(h)
              .send({
                tier: h === huiting ? 'township' : 'enterprise',
                course: '安全培训',
                hours: 4,
                completedOn: '2026-01-02',
                passed: true,
              }),
          )
        ).status,
      ).toBe(404);
    }
    expect((await keep(t.http.patch(`/api/welders/${ids.sun}`).set(hengda).send({ realName: '改名' }))).status).toBe(
      404,
    );
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.sun}/engagements`)
            .set(hengda)
            .send({ enterpriseId: enterprises.steel, kind: 'dispatched', startsOn: '2026-01-10' }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.sun}/certificates`)
            .set(hengda)
            .send({ subOperation: 'brazing', issuedOn: '2025-01-01' }),
        )
      ).status,
    ).toBe(404);
    // A welder sees itself only.
    expect((await keep(t.http.get(`/api/welders/${ids.zhang}`).set(zhang))).status).toBe(200);
    expect((await keep(t.http.get(`/api/welders/${ids.liu}`).set(zhang))).status).toBe(404);
    expect((await keep(t.http.get(`/api/welders/${ids.liu}/trainings`).set(zhang))).status).toBe(404);
    expect(
      (await keep(t.http.get('/api/welders/00000000-0000-4000-8000-000000000000').set(await t.auth('admin')))).status,
    ).toBe(404);
  });

  it('lets the host see a dispatched welder but not change its core record', async () => {
    const hengda = await t.auth('hengda.admin');
    const detail = await keep(t.http.get(`/api/welders/${ids.chen}`).set(hengda));
    expect(detail.body).toMatchObject({ employerId: enterprises.machinery, certificateState: 'expired' });
    expect(detail.body.engagements).toEqual([
      expect.objectContaining({ enterpriseId: enterprises.steel, kind: 'dispatched', activeToday: true }),
    ]);
    const patch = await keep(t.http.patch(`/api/welders/${ids.chen}`).set(hengda).send({ realName: '陈静静' }));
    expect(patch.status).toBe(403);
    expect(patch.body.error.code).toBe('FORBIDDEN');
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.chen}/engagements`)
            .set(hengda)
            .send({ enterpriseId: enterprises.construction, kind: 'outsourced', startsOn: '2026-02-01' }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.chen}/certificates`)
            .set(hengda)
            .send({ subOperation: 'brazing', issuedOn: '2025-01-01' }),
        )
      ).status,
    ).toBe(403);
    const [{ name }] = await t.ds.query('SELECT real_name AS name FROM welders WHERE id = $1', [ids.chen]);
    expect(name).toBe('陈静');
  });

  it('shows the detail with certificates (computed validity), training and the active QR code', async () => {
    const res = await keep(t.http.get(`/api/welders/${ids.zhang}`).set(await t.auth('welder.zhang')));
    expect(res.status).toBe(200);
    expect(res.body.certificates).toEqual([
      expect.objectContaining({
        issuedOn: '2022-03-01',
        expiresOn: '2028-03-01',
        validity: 'valid',
        daysToExpiry: 786,
        certificateNumberMasked: res.body.certificateNumberMasked,
      }),
    ]);
    expect(res.body.trainings).toHaveLength(1);
    expect(res.body.trainingTotal).toBe(1);
    expect(res.body.code.url).toBe(`https://arcgate.test/q/${res.body.code.code}`);
    expect(res.body.certificateState).toBe('valid');
  });

  it('registers a welder with encrypted personal data and its QR code in one go', async () => {
    const hengda = await t.auth('hengda.admin');
    const res = await keep(
      t.http.post('/api/welders').set(hengda).send({ realName: '王五', idNumber: NEW_ID, phone: NEW_PHONE }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      realName: '王五',
      employerId: enterprises.steel,
      idNumberMasked: `4114**********${NEW_ID.slice(-4)}`,
      phoneMasked: '137****5678',
      certificateState: 'none',
      status: 'active',
    });
    expect(res.body.certificateNumberMasked).toBe(`T4114**********${NEW_ID.slice(-4)}`);
    ids.wang = res.body.id;
    const [row] = await t.ds.query('SELECT id_number_enc, phone_enc FROM welders WHERE id = $1', [ids.wang]);
    expect(row.id_number_enc).toMatch(/^v1:/);
    expect(row.phone_enc).toMatch(/^v1:/);
    const codes = await t.ds.query(
      `SELECT status FROM identity_codes WHERE subject_type = 'welder' AND subject_id = $1`,
      [ids.wang],
    );
    expect(codes).toEqual([{ status: 'active' }]);
    const audit = await t.ds.query(`SELECT after FROM audit_log WHERE action = 'welder.create' AND entity_id = $1`, [
      ids.wang,
    ]);
    expect(audit[0].after).toMatchObject({ idNumber: res.body.idNumberMasked, phone: '137****5678' });

    const dup = await keep(
      t.http
        .post('/api/welders')
        .set(await t.auth('admin'))
        .send({ realName: '重复', idNumber: NEW_ID.toLowerCase(), employerId: enterprises.machinery }),
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE');
    expect(fieldCodes(dup)).toEqual(['idNumber:duplicate']);
  });

  it('checks the employer: own enterprise only, required for admins, must be active', async () => {
    const other = await keep(
      t.http
        .post('/api/welders')
        .set(await t.auth('hengda.admin'))
        .send({ realName: '赵六', idNumber: idNo('41142619960606006'), employerId: enterprises.machinery }),
    );
    expect(other.status).toBe(403);
    expect(fieldCodes(other)).toEqual(['employerId:notOwnEnterprise']);
    const admin = await t.auth('admin');
    const missing = await keep(
      t.http
        .post('/api/welders')
        .set(admin)
        .send({ realName: '赵六', idNumber: idNo('41142619960606006') }),
    );
    expect(missing.status).toBe(400);
    expect(fieldCodes(missing)).toEqual(['employerId:required']);
    await t.ds.query(`UPDATE enterprises SET status = 'suspended' WHERE id = $1`, [enterprises.construction]);
    try {
      const inactive = await keep(
        t.http
          .post('/api/welders')
          .set(admin)
          .send({ realName: '赵六', idNumber: idNo('41142619960606006'), employerId: enterprises.construction }),
      );
      expect(inactive.status).toBe(409);
      expect(inactive.body.error.code).toBe('ENTERPRISE_INACTIVE');
    } finally {
      await t.ds.query(`UPDATE enterprises SET status = 'active' WHERE id = $1`, [enterprises.construction]);
    }
    expect(
      (
        await keep(
          t.http
            .post('/api/welders')
            .set(await t.auth('xiayi.regulator'))
            .send({ realName: '赵六', idNumber: idNo('41142619960606006') }),
        )
      ).status,
    ).toBe(403);
    const [{ count }] = await t.ds.query(`SELECT count(*)::int AS count FROM welders WHERE real_name = '赵六'`);
    expect(count).toBe(0);
  });

  it('rejects bad input with field codes', async () => {
    const h = await t.auth('hengda.admin');
    const bad = await keep(
      t.http
        .post('/api/welders')
        .set(h)
        .send({ realName: 42, idNumber: badCheck(NEW_ID), phone: '12345', employerId: 'nope', extra: 1 }),
    );
    expect(bad.status).toBe(400);
    expect(fieldCodes(bad)).toEqual(
      expect.arrayContaining([
        'realName:isString',
        'idNumber:isIdNumber',
        'phone:isMobile',
        'employerId:isUuid',
        'extra:unknownField',
      ]),
    );
    expect(
      (await keep(t.http.post('/api/welders').set(h).send({ realName: '', idNumber: '41142619950230005X' }))).status,
    ).toBe(400);
    const patch = await keep(
      t.http
        .patch(`/api/welders/${ids.zhang}`)
        .set(h)
        .send({ realName: null, phone: '1391234', status: 'retired', idNumber: NEW_ID }),
    );
    expect(fieldCodes(patch)).toEqual(
      expect.arrayContaining(['realName:isString', 'phone:isMobile', 'status:isEnum', 'idNumber:unknownField']),
    );
    expect(fieldCodes(await keep(t.http.patch(`/api/welders/${ids.zhang}`).set(h).send({})))).toEqual(['body:empty']);
    const uuid = await keep(t.http.get('/api/welders/not-a-uuid').set(h));
    expect(uuid.status).toBe(400);
    expect(fieldCodes(uuid)).toEqual(['id:isUuid']);
    expect(fieldCodes(await keep(t.http.patch('/api/welders/123').set(h).send({ realName: 'x' })))).toEqual([
      'id:isUuid',
    ]);
    const eng = await keep(
      t.http
        .post(`/api/welders/${ids.zhang}/engagements`)
        .set(h)
        .send({ enterpriseId: 'x', kind: 'borrowed', startsOn: '2026-02-30', endsOn: '20260301', note: 5 }),
    );
    expect(fieldCodes(eng)).toEqual(
      expect.arrayContaining([
        'enterpriseId:isUuid',
        'kind:isEnum',
        'startsOn:isCalendarDate',
        'endsOn:isCalendarDate',
        'note:isString',
      ]),
    );
    const q = await keep(
      t.http.get(`/api/welders?idNumber=${badCheck(NEW_ID)}&certificateState=bad&employerId=1&pageSize=500`).set(h),
    );
    expect(fieldCodes(q)).toEqual(
      expect.arrayContaining(['idNumber:isIdNumber', 'certificateState:isIn', 'employerId:isUuid', 'pageSize:max']),
    );
  });

  it('finds a welder by exact ID number through the blind index, within scope only', async () => {
    const zhangId = DEMO_WELDERS[0].idNumber;
    const hit = await keep(t.http.get(`/api/welders?idNumber=${zhangId}`).set(await t.auth('hengda.admin')));
    expect(hit.body.items.map((w: { id: string }) => w.id)).toEqual([ids.zhang]);
    // Out of scope is no match either.
    const sunId = DEMO_WELDERS[3].idNumber;
    expect(
      (await keep(t.http.get(`/api/welders?idNumber=${sunId}`).set(await t.auth('hengda.admin')))).body.total,
    ).toBe(0);
    expect(
      (await keep(t.http.get(`/api/welders?idNumber=${sunId}`).set(await t.auth('xiayi.regulator')))).body.items.map(
        (w: { id: string }) => w.id,
      ),
    ).toEqual([ids.sun]);
    expect(
      names(await keep(t.http.get(`/api/welders?q=${encodeURIComponent('张')}`).set(await t.auth('xiayi.regulator')))),
    ).toEqual(['张伟']);
    expect(
      (await keep(t.http.get(`/api/welders?q=${encodeURIComponent('%')}`).set(await t.auth('xiayi.regulator')))).body
        .total,
    ).toBe(0);
    expect(
      names(
        await keep(t.http.get(`/api/welders?employerId=${enterprises.machinery}`).set(await t.auth('xiayi.regulator'))),
      ),
    ).toEqual(['陈静']);
  });

  it('filters by certificate state', async () => {
    const x = await t.auth('xiayi.regulator');
    const state = async (s: string) =>
      names(await keep(t.http.get(`/api/welders?certificateState=${s}&pageSize=50`).set(x)));
    expect(await state('valid')).toEqual(['刘洋', '张伟'].sort());
    expect(await state('expired')).toEqual(['陈静']);
    expect(await state('none')).toEqual(expect.arrayContaining(['孙磊']));
    expect(await state('none')).not.toContain('张伟');
    expect(await state('expiring_90d')).toEqual([]);
    clock.set('2026-10-01T08:00:00Z'); // liu's certificate expires 2026-12-15
    expect(await state('expiring_90d')).toEqual(['刘洋']);
    const list = await keep(t.http.get(`/api/welders?q=${encodeURIComponent('刘')}`).set(x));
    expect(list.body.items[0].certificateState).toBe('expiring_90d');
    // A second, later welding certificate makes the welder valid, not expiring (the best certificate decides).
    const [later] = await t.ds.query(
      `INSERT INTO certificates (welder_id, category, sub_operation, issued_on, expires_on, review_due_on, status, source,
                                 verification, verification_source, verified_at)
       SELECT welder_id, category, sub_operation || '-2', '2026-09-01', '2032-09-01', '2029-09-01', 'valid', source,
              verification, verification_source, verified_at
         FROM certificates WHERE welder_id = $1 ORDER BY expires_on LIMIT 1 RETURNING id`,
      [ids.liu],
    );
    expect(await state('expiring_90d')).toEqual([]);
    expect(await state('valid')).toContain('刘洋');
    await t.ds.query(`UPDATE certificates SET status = 'suspended' WHERE id = $1`, [later.id]);
    expect(await state('expiring_90d')).toEqual(['刘洋']);
    await t.ds.query(`DELETE FROM certificates WHERE id = $1`, [later.id]);
  });

  it('lets the employer edit name, phone and status, audited with masked values', async () => {
    const h = await t.auth('hengda.admin');
    const res = await keep(
      t.http.patch(`/api/welders/${ids.liu}`).set(h).send({ realName: '刘洋洋', phone: '13598765432' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ realName: '刘洋洋', phoneMasked: '135****5432' });
    const cleared = await keep(
      t.http.patch(`/api/welders/${ids.liu}`).set(h).send({ phone: null, status: 'inactive' }),
    );
    expect(cleared.body).toMatchObject({ phoneMasked: null, status: 'inactive' });
    const audit = await t.ds.query(
      `SELECT before, after FROM audit_log WHERE action = 'welder.update' AND entity_id = $1 ORDER BY id`,
      [ids.liu],
    );
    expect(audit).toHaveLength(2);
    expect(audit[0].before).toMatchObject({ phone: '139****2222', realName: '刘洋' });
    expect(audit[0].after).toMatchObject({ phone: '135****5432', realName: '刘洋洋' });
    expect(audit[1].after).toMatchObject({ phone: null, status: 'inactive' });
    // Inactive welders cannot be engaged elsewhere.
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.liu}/engagements`)
            .set(h)
            .send({ enterpriseId: enterprises.machinery, kind: 'outsourced', startsOn: '2026-02-01' }),
        )
      ).status,
    ).toBe(409);
    await keep(t.http.patch(`/api/welders/${ids.liu}`).set(h).send({ status: 'active', phone: '13598765432' }));
  });

  it('records engagements by the employer, checking dates, the host enterprise and overlaps', async () => {
    const h = await t.auth('hengda.admin');
    const ok = await keep(
      t.http.post(`/api/welders/${ids.zhang}/engagements`).set(h).send({
        enterpriseId: enterprises.construction,
        kind: 'outsourced',
        startsOn: '2026-01-05',
        endsOn: '2026-01-31',
        note: '外包钢结构安装',
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      enterpriseId: enterprises.construction,
      enterpriseName: '商丘市夏邑建工集团有限公司',
      kind: 'outsourced',
      activeToday: true,
    });
    const overlap = await keep(
      t.http
        .post(`/api/welders/${ids.zhang}/engagements`)
        .set(h)
        .send({ enterpriseId: enterprises.construction, kind: 'contractor', startsOn: '2026-01-20' }),
    );
    expect(overlap.status).toBe(409);
    expect(fieldCodes(overlap)).toEqual(['startsOn:overlapsEngagement']);
    expect(
      (
        await keep(
          t.http
            .post(`/api/welders/${ids.zhang}/engagements`)
            .set(h)
            .send({ enterpriseId: enterprises.construction, kind: 'contractor', startsOn: '2026-02-01' }),
        )
      ).status,
    ).toBe(201);
    expect(
      fieldCodes(
        await keep(
          t.http.post(`/api/welders/${ids.zhang}/engagements`).set(h).send({
            enterpriseId: enterprises.machinery,
            kind: 'contractor',
            startsOn: '2026-03-01',
            endsOn: '2026-02-01',
          }),
        ),
      ),
    ).toEqual(['endsOn:endsBeforeStart']);
    expect(
      fieldCodes(
        await keep(
          t.http
            .post(`/api/welders/${ids.zhang}/engagements`)
            .set(h)
            .send({ enterpriseId: enterprises.steel, kind: 'contractor', startsOn: '2026-03-01' }),
        ),
      ),
    ).toEqual(['enterpriseId:isEmployer']);
    expect(
      fieldCodes(
        await keep(
          t.http
            .post(`/api/welders/${ids.zhang}/engagements`)
            .set(h)
            .send({ enterpriseId: '00000000-0000-4000-8000-000000000000', kind: 'contractor', startsOn: '2026-03-01' }),
        ),
      ),
    ).toEqual(['enterpriseId:unknownEnterprise']);
    const audit = await t.ds.query(
      `SELECT after FROM audit_log WHERE action = 'welder.engagement.create' AND entity_id = $1`,
      [ok.body.id],
    );
    expect(audit[0].after).toMatchObject({ welderId: ids.zhang, enterpriseId: enterprises.construction });
  });

  it('never returns or logs a plain ID number or phone number', async () => {
    const secrets = [...DEMO_WELDERS.flatMap((w) => [w.idNumber, w.phone]), NEW_ID, NEW_PHONE, '13598765432'];
    expect(bodies.length).toBeGreaterThan(50);
    const leaked = bodies.filter((b) => secrets.some((s) => b.includes(s)));
    expect(leaked).toEqual([]);
    const audit: { row: string }[] = await t.ds.query(
      `SELECT concat_ws(' ', before::text, after::text) AS row FROM audit_log`,
    );
    expect(audit.length).toBeGreaterThan(10);
    expect(audit.filter((a) => secrets.some((s) => a.row.includes(s)))).toEqual([]);
  });
});
