import { png } from '../../test-support/images';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { usccCheckChar } from '../common/validation/identifiers';

type Fields = { field: string; code: string }[];
const fieldCodes = (body: { error: { fields?: Fields } }) =>
  (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);
const uscc = (body17: string) => body17 + usccCheckChar(body17);

/** 企业注册 (issue 16 §1): public application, township review, approval creating enterprise and admin. */
describe('enterprise self-registration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  let n = 0;
  const form = (over: Record<string, string> = {}) => {
    n += 1;
    return {
      uscc: uscc(`91411426MA44RG${String(n).padStart(3, '0')}`),
      name: `会亭镇注册测试厂${n}`,
      industry: '金属制品业',
      regionCode: '411426100',
      address: '会亭镇工业园区纬二路1号',
      legalRepresentative: '李法人',
      principalName: '王负责',
      principalPhone: '13837001101',
      safetyManagerName: '赵安全',
      safetyManagerPhone: '13837001102',
      adminUsername: `reg.admin${n}`,
      adminDisplayName: '注册测试管理员',
      adminPassword: 'Regist#2026x',
      ...over,
    };
  };
  const submit = (fields: Record<string, string>, licence: Buffer | null = png(4, 4)) => {
    const req = t.http.post('/api/public/enterprise-registrations');
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    if (licence) req.attach('licence', licence, { filename: 'licence.png', contentType: 'image/png' });
    return req;
  };
  const pendingId = async (trackingCode: string) =>
    (
      await t.ds.query('SELECT id FROM enterprise_applications WHERE tracking_code = $1', [
        trackingCode.replace('-', ''),
      ])
    )[0].id as string;

  it('takes an application with the licence photo; phones stored encrypted, shown masked; audited', async () => {
    const f = form();
    const res = await submit(f);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ trackingCode: expect.stringMatching(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/), status: 'pending' });
    const [row] = await t.ds.query(
      'SELECT principal_phone_enc, safety_manager_phone_masked, admin_password_hash, licence_size_bytes FROM enterprise_applications WHERE uscc = $1',
      [f.uscc],
    );
    expect(row.principal_phone_enc).not.toContain('13837001101');
    expect(row.safety_manager_phone_masked).toBe('138****1102');
    expect(row.admin_password_hash).not.toContain('Regist#2026x');
    expect(row.licence_size_bytes).toBeGreaterThan(0);
    const status = await t.http.get(`/api/public/enterprise-registrations/${res.body.trackingCode.toLowerCase()}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'pending',
      name: f.name,
      adminUsername: f.adminUsername,
      rejectReason: null,
    });
    const [audit] = await t.ds.query(
      `SELECT actor_role, after FROM audit_log WHERE action = 'enterprise_application.submit' AND entity_id = $1`,
      [await pendingId(res.body.trackingCode)],
    );
    expect(JSON.stringify(audit.after)).not.toContain('13837001101');
  });

  it('refuses a bad credit code check character, a village or county region, a weak password and a missing or fake licence', async () => {
    const good = form();
    const badCode = good.uscc.slice(0, 17) + (good.uscc[17] === '0' ? '1' : '0');
    expect(fieldCodes((await submit({ ...good, uscc: badCode })).body)).toEqual(['uscc:isUscc']);
    expect(fieldCodes((await submit(form({ regionCode: '411426' }))).body)).toEqual(['regionCode:notTownship']);
    expect(fieldCodes((await submit(form({ adminPassword: 'abcdefghij' }))).body)).toEqual(
      expect.arrayContaining(['adminPassword:passwordTooFewClasses']),
    );
    expect(fieldCodes((await submit(form(), null)).body)).toEqual(['licence:isNotEmpty']);
    const fake = await submit(form(), Buffer.from('not an image'));
    expect(fake.status).toBe(415);
    expect(fieldCodes(fake.body)).toEqual(['licence:unsupportedFile']);
    const missing = await submit({ uscc: form().uscc });
    expect(missing.status).toBe(400);
    expect(fieldCodes(missing.body)).toEqual(expect.arrayContaining(['name:isNotEmpty', 'principalPhone:isMobile']));
  });

  it('refuses a duplicate credit code: of a registered enterprise, and of a pending application; and a taken user name', async () => {
    const [{ uscc: existing }] = await t.ds.query(`SELECT uscc FROM enterprises WHERE name LIKE '%恒达%'`);
    const dupEnterprise = await submit(form({ uscc: existing }));
    expect(dupEnterprise.status).toBe(409);
    expect(fieldCodes(dupEnterprise.body)).toEqual(['uscc:duplicate']);
    const f = form();
    expect((await submit(f)).status).toBe(201);
    const dupPending = await submit(form({ uscc: f.uscc }));
    expect(fieldCodes(dupPending.body)).toEqual(['uscc:pendingApplication']);
    expect(fieldCodes((await submit(form({ adminUsername: 'hengda.admin' }))).body)).toEqual([
      'adminUsername:duplicate',
    ]);
    expect(fieldCodes((await submit(form({ adminUsername: f.adminUsername }))).body)).toEqual([
      'adminUsername:duplicate',
    ]);
  });

  it('the township reviews: lists its pending applications; a sibling township sees none of them', async () => {
    const f = form();
    const { body } = await submit(f);
    const own = await t.http.get('/api/enterprise-registrations').set(await t.auth('huiting.regulator'));
    expect(own.status).toBe(200);
    const item = own.body.items.find((a: { uscc: string }) => a.uscc === f.uscc);
    expect(item).toMatchObject({
      principalPhoneMasked: '138****1101',
      status: 'pending',
      trackingCode: body.trackingCode,
    });
    expect(JSON.stringify(own.body)).not.toContain('13837001101');
    const photo = await t.http
      .get(`/api/enterprise-registrations/${item.id}/licence`)
      .set(await t.auth('huiting.regulator'));
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    const sibling = await t.http.get('/api/enterprise-registrations').set(await t.auth('admin'));
    expect(sibling.body.items.length).toBeGreaterThan(0);
    // a regulator of 马头镇
    await t.http
      .post('/api/users')
      .set(await t.auth('xiayi.regulator'))
      .send({
        username: 'matou.regulator',
        password: 'Matou#2026x',
        displayName: '马头镇',
        role: 'regulator',
        regionCode: '411426101',
      })
      .expect(201);
    const matou = await t.tokenFor('matou.regulator', 'Matou#2026x');
    const other = await t.http.get('/api/enterprise-registrations').set({ Authorization: `Bearer ${matou}` });
    expect(other.body.items).toEqual([]);
    for (const path of [`/api/enterprise-registrations/${item.id}`, `/api/enterprise-registrations/${item.id}/licence`])
      expect((await t.http.get(path).set({ Authorization: `Bearer ${matou}` })).status).toBe(404);
    const refused = await t.http
      .post(`/api/enterprise-registrations/${item.id}/approve`)
      .set({ Authorization: `Bearer ${matou}` });
    expect(refused.status).toBe(404);
    for (const who of ['hengda.admin', 'hengda.safety', 'welder.zhang'])
      expect((await t.http.get('/api/enterprise-registrations').set(await t.auth(who))).status).toBe(403);
    expect(
      (await t.http.post(`/api/enterprise-registrations/${item.id}/approve`).set(await t.auth('hengda.admin'))).status,
    ).toBe(403);
  });

  it('approval creates the enterprise and its admin, who logs in with the chosen password; audited; decided once', async () => {
    const f = form();
    const { body } = await submit(f);
    const id = await pendingId(body.trackingCode);
    const res = await t.http.post(`/api/enterprise-registrations/${id}/approve`).set(await t.auth('huiting.regulator'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');
    const [ent] = await t.ds.query('SELECT id, name, region_code, status FROM enterprises WHERE uscc = $1', [f.uscc]);
    expect(ent).toMatchObject({ name: f.name, region_code: '411426100', status: 'active' });
    expect(res.body.enterpriseId).toBe(ent.id);
    const login = await t.http.post('/api/auth/login').send({ username: f.adminUsername, password: f.adminPassword });
    expect(login.status).toBe(200);
    const me = await t.http.get('/api/auth/me').set({ Authorization: `Bearer ${login.body.accessToken}` });
    expect(me.body).toMatchObject({ role: 'enterprise_admin', enterpriseId: ent.id });
    const [app] = await t.ds.query('SELECT admin_password_hash FROM enterprise_applications WHERE id = $1', [id]);
    expect(app.admin_password_hash).toBeNull();
    const actions = await t.ds.query(
      `SELECT action FROM audit_log WHERE (entity_id = $1 OR enterprise_id = $2) ORDER BY id`,
      [id, ent.id],
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining([
        'enterprise_application.submit',
        'enterprise.create',
        'user.create',
        'enterprise_application.approve',
      ]),
    );
    const twice = await t.http.post(`/api/enterprise-registrations/${id}/approve`).set(await t.auth('xiayi.regulator'));
    expect(twice.status).toBe(409);
    const rejectAfter = await t.http
      .post(`/api/enterprise-registrations/${id}/reject`)
      .set(await t.auth('huiting.regulator'))
      .send({ reason: '晚了' });
    expect(rejectAfter.status).toBe(409);
    // the credit code is now an enterprise's
    expect(fieldCodes((await submit(form({ uscc: f.uscc }))).body)).toEqual(['uscc:duplicate']);
  });

  it('rejection needs a reason, which the applicant sees; the applicant cannot log in; the code may apply again', async () => {
    const f = form();
    const { body } = await submit(f);
    const id = await pendingId(body.trackingCode);
    const noReason = await t.http
      .post(`/api/enterprise-registrations/${id}/reject`)
      .set(await t.auth('huiting.regulator'))
      .send({ reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(fieldCodes(noReason.body)).toEqual(['reason:isNotEmpty']);
    const res = await t.http
      .post(`/api/enterprise-registrations/${id}/reject`)
      .set(await t.auth('huiting.regulator'))
      .send({ reason: '营业执照照片不清晰' });
    expect(res.status).toBe(200);
    const status = await t.http.get(`/api/public/enterprise-registrations/${body.trackingCode}`);
    expect(status.body).toMatchObject({ status: 'rejected', rejectReason: '营业执照照片不清晰' });
    expect(
      (await t.http.post('/api/auth/login').send({ username: f.adminUsername, password: f.adminPassword })).status,
    ).toBe(401);
    expect((await t.ds.query('SELECT 1 FROM enterprises WHERE uscc = $1', [f.uscc])).length).toBe(0);
    expect((await submit(form({ uscc: f.uscc, adminUsername: f.adminUsername }))).status).toBe(201);
  });

  it('answers unknown or malformed tracking codes with 404', async () => {
    expect((await t.http.get('/api/public/enterprise-registrations/ZZZZZ-ZZZZZ')).status).toBe(404);
    expect((await t.http.get('/api/public/enterprise-registrations/%27%20OR%201%3D1')).status).toBe(404);
  });
});
