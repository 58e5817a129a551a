import { createTestApp, TestApp } from '../../test-support/test-app';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs in a demo user and describes them', async () => {
    const res = await t.http.get('/api/auth/me').set(await t.auth('xiayi.regulator'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'xiayi.regulator', role: 'regulator', regionCode: '411426' });
    expect(res.body.passwordHash).toBeUndefined();
  });

  it('rejects wrong passwords and unknown users alike', async () => {
    const a = await t.http.post('/api/auth/login').send({ username: 'admin', password: 'wrong' });
    const b = await t.http.post('/api/auth/login').send({ username: 'nobody', password: 'wrong' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(b.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('locks an account after 5 failed log-ins, with the unlock time, without locking others', async () => {
    const answers: { status: number; code?: string; lockedUntil?: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.http.post('/api/auth/login').send({ username: 'huiting.regulator', password: `guess${i}` });
      answers.push({
        status: res.status,
        code: res.body.error?.code,
        lockedUntil: res.body.error?.details?.lockedUntil,
      });
    }
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.slice(5).map((a) => a.code)).toEqual(['ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    expect(Date.parse(answers[5].lockedUntil!)).toBeGreaterThan(Date.now() + 14 * 60_000);
    // Even the right password is refused while locked.
    const right = await t.http
      .post('/api/auth/login')
      .send({ username: 'huiting.regulator', password: 'ArcGate#2026' });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('ACCOUNT_LOCKED');
    // Another user is not locked out by those guesses.
    expect(
      (await t.http.post('/api/auth/login').send({ username: 'hengda.admin', password: 'ArcGate#2026' })).status,
    ).toBe(200);
  });

  it('refuses requests without a valid token', async () => {
    expect((await t.http.get('/api/auth/me')).status).toBe(401);
    const res = await t.http.get('/api/auth/me').set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('gives field-level errors for bad log-in bodies', async () => {
    const res = await t.http.post('/api/auth/login').send({ username: 42, extra: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
    expect(fields).toEqual(expect.arrayContaining(['username:isString', 'password:isString', 'extra:unknownField']));
  });

  it('answers malformed and oversized JSON with 4xx', async () => {
    const bad = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"username":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('MALFORMED_BODY');
    const big = await t.http.post('/api/auth/login').send({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
