import { FakeClock } from '../common/clock/clock';
import { SMS_SENDER, SmsMessage, SmsSender } from '../sms/sms-sender';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { idNumberCheckChar } from '../common/validation/identifiers';

type Fields = { field: string; code: string }[];
const fieldCodes = (body: { error: { fields?: Fields } }) =>
  (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);
const idNo = (body17: string) => body17 + idNumberCheckChar(body17);

/** Welder self-activation (issue 16 §1): registry match, one-time code by SMS, own password. */
describe('welder activation', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date());
  const sent: SmsMessage[] = [];
  // 刘洋 (恒达) and 陈静 (宏远) are in the demo registry without an account.
  const liu = {
    idNumber: idNo('41142619900719002'),
    certificateNumber: `T${idNo('41142619900719002')}`,
    phone: '13900002222',
  };
  const chen = {
    idNumber: idNo('41142619921105003'),
    certificateNumber: `T${idNo('41142619921105003')}`,
    phone: '13900003333',
  };
  const codeIn = (m: SmsMessage) => /(\d{6})/.exec(m.text)![1];

  beforeAll(async () => {
    t = await createTestApp({ clock });
    jest.spyOn(t.app.get<SmsSender>(SMS_SENDER), 'send').mockImplementation(async (m) => {
      sent.push(m);
      return { providerMessageId: null };
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const start = (body: Record<string, unknown>) => t.http.post('/api/public/welder-activation').send(body);
  const complete = (body: Record<string, unknown>) => t.http.post('/api/public/welder-activation/complete').send(body);

  it('refuses details that do not match one registry record, sending nothing', async () => {
    for (const body of [
      { ...liu, phone: '13900009999' },
      { ...liu, certificateNumber: `T${chen.idNumber}` },
      { ...liu, idNumber: idNo('41142619900719099'), certificateNumber: `T${idNo('41142619900719099')}` },
      // 孙磊 is in the registry with no certificate
      { idNumber: idNo('41142619880228004'), certificateNumber: `T${idNo('41142619880228004')}`, phone: '13900004444' },
    ]) {
      const res = await start(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('ACTIVATION_MISMATCH');
    }
    expect(sent).toHaveLength(0);
    const bad = await start({ idNumber: '123', certificateNumber: 'X', phone: '1' });
    expect(bad.status).toBe(400);
    expect(fieldCodes(bad.body)).toEqual(
      expect.arrayContaining(['idNumber:isIdNumber', 'certificateNumber:matches', 'phone:isMobile']),
    );
  });

  it('refuses a welder who already has an account', async () => {
    const zhang = {
      idNumber: idNo('41142619850312001'),
      certificateNumber: `T${idNo('41142619850312001')}`,
      phone: '13900001111',
    };
    const res = await start(zhang);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ALREADY_ACTIVATED');
  });

  it('sends a 6-digit code (stored hashed) to the registry phone, with a one-minute resend cool-down', async () => {
    const res = await start(liu);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ phoneMasked: '139****2222', resendAfterSeconds: 60 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ phone: '13900002222', purpose: 'otp' });
    const code = codeIn(sent[0]);
    const [stored] = await t.ds.query('SELECT code_hash FROM welder_activations WHERE id = $1', [
      res.body.activationId,
    ]);
    expect(stored.code_hash).not.toContain(code);
    const again = await start(liu);
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('ONE_TIME_CODE_TOO_SOON');
    expect(sent).toHaveLength(1);
  });

  it('a code expires after 5 minutes; a newer code supersedes the older one', async () => {
    clock.advance(61_000);
    const first = await start(liu);
    expect(first.status).toBe(201);
    const firstCode = codeIn(sent.at(-1)!);
    clock.advance(5 * 60_000 + 1);
    const late = await complete({
      activationId: first.body.activationId,
      code: firstCode,
      username: 'liu.yang',
      password: 'Weld#2026ok',
    });
    expect(late.status).toBe(422);
    expect(fieldCodes(late.body)).toEqual(['code:codeExpired']);
    const second = await start(liu);
    const secondCode = codeIn(sent.at(-1)!);
    clock.advance(61_000);
    const third = await start(liu);
    expect(third.status).toBe(201);
    const old = await complete({
      activationId: second.body.activationId,
      code: secondCode,
      username: 'liu.yang',
      password: 'Weld#2026ok',
    });
    expect(fieldCodes(old.body)).toEqual(['code:codeSuperseded']);
  });

  it('counts wrong codes and stops after five attempts', async () => {
    clock.advance(61_000);
    const res = await start(liu);
    const code = codeIn(sent.at(-1)!);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 5; i++) {
      const r = await complete({
        activationId: res.body.activationId,
        code: wrong,
        username: 'liu.yang',
        password: 'Weld#2026ok',
      });
      expect(r.status).toBe(422);
      expect(fieldCodes(r.body)).toEqual([i < 5 ? 'code:codeWrong' : 'code:codeAttemptsExhausted']);
    }
    const right = await complete({
      activationId: res.body.activationId,
      code,
      username: 'liu.yang',
      password: 'Weld#2026ok',
    });
    expect(fieldCodes(right.body)).toEqual(['code:codeAttemptsExhausted']);
  });

  it('applies the password policy before touching the code, and refuses a taken user name', async () => {
    clock.advance(61_000);
    const res = await start(liu);
    const code = codeIn(sent.at(-1)!);
    const weak = await complete({ activationId: res.body.activationId, code, username: 'liu.yang', password: 'short' });
    expect(weak.status).toBe(400);
    expect(fieldCodes(weak.body)).toEqual(expect.arrayContaining(['password:passwordTooShort']));
    const taken = await complete({
      activationId: res.body.activationId,
      code,
      username: 'hengda.admin',
      password: 'Weld#2026ok',
    });
    expect(taken.status).toBe(409);
    expect(fieldCodes(taken.body)).toEqual(['username:duplicate']);
  });

  it('with the right code the welder chooses their password, logs in, and the code is spent; audited as the welder', async () => {
    clock.advance(61_000);
    const res = await start(liu);
    const code = codeIn(sent.at(-1)!);
    const done = await complete({
      activationId: res.body.activationId,
      code,
      username: 'liu.yang',
      password: 'Weld#2026ok',
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ username: 'liu.yang' });
    const [user] = await t.ds.query(
      `SELECT id, role, welder_id, enterprise_id, must_change_password FROM users WHERE username = 'liu.yang'`,
    );
    expect(user).toMatchObject({ role: 'welder', enterprise_id: null, must_change_password: false });
    const login = await t.http.post('/api/auth/login').send({ username: 'liu.yang', password: 'Weld#2026ok' });
    expect(login.status).toBe(200);
    const reuse = await complete({
      activationId: res.body.activationId,
      code,
      username: 'liu.yang2',
      password: 'Weld#2026ok',
    });
    expect(fieldCodes(reuse.body)).toEqual(['code:codeUsed']);
    const [audit] = await t.ds.query(`SELECT actor_user_id, actor_role FROM audit_log WHERE action = 'user.activate'`);
    expect(audit).toEqual({ actor_user_id: user.id, actor_role: 'welder' });
    clock.advance(61_000);
    expect((await start(liu)).body.error.code).toBe('ALREADY_ACTIVATED');
  });

  it('keeps the account when the welder changes employer', async () => {
    const [{ welder_id }] = await t.ds.query(`SELECT welder_id FROM users WHERE username = 'liu.yang'`);
    const [{ id: machinery }] = await t.ds.query(`SELECT id FROM enterprises WHERE name LIKE '%宏远%'`);
    await t.ds.query('UPDATE welders SET employer_id = $1 WHERE id = $2', [machinery, welder_id]);
    const login = await t.http.post('/api/auth/login').send({ username: 'liu.yang', password: 'Weld#2026ok' });
    expect(login.status).toBe(200);
    const me = await t.http.get('/api/auth/me').set({ Authorization: `Bearer ${login.body.accessToken}` });
    expect(me.body).toMatchObject({ username: 'liu.yang', welderId: welder_id });
    // the new employer's admin now manages it; the old one no longer sees it
    const [{ id: uid }] = await t.ds.query(`SELECT id FROM users WHERE username = 'liu.yang'`);
    const hengda = await t.http.get('/api/users?role=welder').set(await t.auth('hengda.admin'));
    expect(hengda.body.items.map((u: { id: string }) => u.id)).not.toContain(uid);
    expect((await t.http.post(`/api/users/${uid}/disable`).set(await t.auth('hengda.admin'))).status).toBe(404);
  });
});
