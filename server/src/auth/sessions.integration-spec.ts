import { Secret, TOTP } from 'otpauth';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { AuditService } from '../audit/audit.service';
import { REFRESH_COOKIE } from './auth.controller';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginHistoryRetentionJob } from './login-history-retention.job';
import { LoginSprayLimiter } from './login-spray-limiter';

const IDLE_S = 600;
const NEW_PASSWORD = 'Weld-Safe#7319';

/** The refresh cookie a response set, as "name=value" for a Cookie header; with its attributes. */
function refreshCookie(res: { headers: Record<string, unknown> }): { pair: string; attrs: string } {
  const all = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const c = all.find((x) => x.startsWith(`${REFRESH_COOKIE}=`));
  if (!c) throw new Error(`no refresh cookie in ${JSON.stringify(all)}`);
  return { pair: c.split(';')[0], attrs: c };
}

/** Credentials and sessions (issue 16 §1, 等保 2.0 third level), with the injected clock. */
describe('sessions: refresh rotation, revocation, idle time-out, lockout, forced change, TOTP, history', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-03-02T02:00:00Z'));

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      config: {
        loginRateLimitPerMinute: 1000,
        trustProxy: ['loopback'],
        session: { idleTimeoutS: IDLE_S, maxAgeS: 8 * 3600 },
        loginLockout: { windowS: 900, maxFailures: 5 },
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (username: string, password = DEMO_PASSWORD, ip = '192.0.2.10', extra: object = {}) =>
    t.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', ip)
      .set('User-Agent', 'Mozilla/5.0 (sessions spec)')
      .send({ username, password, ...extra });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const me = (token: string) => t.http.get('/api/auth/me').set(bearer(token));

  it('logs in with a short-lived token naming a session, and an httpOnly SameSite=Strict refresh cookie', async () => {
    const res = await login('xiayi.regulator');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mustChangePassword: false, mustEnrolTotp: false, idleTimeoutS: IDLE_S });
    const claims = JSON.parse(Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString());
    expect(typeof claims.sid).toBe('string');
    const { attrs } = refreshCookie(res);
    expect(attrs).toMatch(/HttpOnly/i);
    expect(attrs).toMatch(/SameSite=Strict/i);
    expect(attrs).toMatch(/Path=\/api\/auth/);
    // Stored hashed only.
    const rows = await t.ds.query(`SELECT token_hash FROM auth_refresh_tokens`);
    expect(JSON.stringify(rows)).not.toContain(refreshCookie(res).pair.split('=')[1].split('.')[1]);
  });

  it('rotates the refresh token; a reused one revokes the whole family, and its access tokens stop working', async () => {
    const first = await login('huiting.regulator');
    const c1 = refreshCookie(first).pair;
    const r1 = await t.http.post('/api/auth/refresh').set('Cookie', c1);
    expect(r1.status).toBe(200);
    const c2 = refreshCookie(r1).pair;
    expect(c2).not.toBe(c1);
    expect((await me(r1.body.accessToken)).status).toBe(200);

    // A second tab presenting the old token at once: refused without harm (it retries with the new cookie).
    const race = await t.http.post('/api/auth/refresh').set('Cookie', c1);
    expect(race.status).toBe(401);
    expect(race.body.error.details).toEqual({ retry: true });
    expect((await me(r1.body.accessToken)).status).toBe(200);

    // Later, the old token again: theft. The session (family) is revoked: every token of it.
    clock.advance(15_000);
    const reuse = await t.http.post('/api/auth/refresh').set('Cookie', c1);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('SESSION_ENDED');
    expect((await me(r1.body.accessToken)).status).toBe(401);
    expect((await me(first.body.accessToken)).status).toBe(401);
    expect((await t.http.post('/api/auth/refresh').set('Cookie', c2)).status).toBe(401);
    const audit = await t.ds.query(`SELECT entity_id FROM audit_log WHERE action = 'auth.session.refresh_reuse'`);
    expect(audit).toHaveLength(1);
    // No cookie, a forged one: 401.
    expect((await t.http.post('/api/auth/refresh')).status).toBe(401);
    expect((await t.http.post('/api/auth/refresh').set('Cookie', `${REFRESH_COOKIE}=x.y`)).status).toBe(401);
  });

  it('log-out really revokes: the access token and the refresh cookie stop working at once', async () => {
    const res = await login('xiayi.regulator');
    const token = res.body.accessToken;
    expect((await me(token)).status).toBe(200);
    expect((await t.http.post('/api/auth/logout').set(bearer(token))).status).toBe(204);
    const after = await me(token);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await t.http.post('/api/auth/refresh').set('Cookie', refreshCookie(res).pair)).status).toBe(401);
    // audited, naming the session that ended
    const [entry] = await t.ds.query(
      `SELECT a.entity_id, a.after FROM audit_log a JOIN users u ON u.id::text = a.entity_id
        WHERE a.action = 'auth.logout' AND u.username = 'xiayi.regulator' ORDER BY a.id DESC LIMIT 1`,
    );
    expect(entry?.after).toEqual({ sessionId: expect.any(String) });
  });

  it('expires a session after the idle time-out (injected clock); activity keeps it alive', async () => {
    const res = await login('hengda.admin');
    const token = res.body.accessToken;
    clock.advance((IDLE_S - 60) * 1000);
    expect((await me(token)).status).toBe(200);
    clock.advance((IDLE_S - 60) * 1000);
    expect((await me(token)).status).toBe(200);
    clock.advance((IDLE_S + 1) * 1000);
    const idle = await me(token);
    expect(idle.status).toBe(401);
    expect(idle.body.error.details).toEqual({ reason: 'idle' });
    // The refresh token of an idle session is refused too.
    expect((await t.http.post('/api/auth/refresh').set('Cookie', refreshCookie(res).pair)).status).toBe(401);
  });

  it('lists my sessions, ends one of them, and "log out everywhere" ends all', async () => {
    const a = await login('xiayi.regulator', DEMO_PASSWORD, '192.0.2.21');
    const b = await login('xiayi.regulator', DEMO_PASSWORD, '192.0.2.22');
    const c = await login('xiayi.regulator', DEMO_PASSWORD, '192.0.2.23');
    const list = await t.http.get('/api/auth/sessions').set(bearer(a.body.accessToken));
    expect(list.status).toBe(200);
    const mine = list.body.filter((s: { ip: string }) => ['192.0.2.21', '192.0.2.22', '192.0.2.23'].includes(s.ip));
    expect(mine).toHaveLength(3);
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const bId = mine.find((s: { ip: string }) => s.ip === '192.0.2.22').id;
    // Someone else's session: not found.
    const other = await login('hengda.admin');
    expect((await t.http.delete(`/api/auth/sessions/${bId}`).set(bearer(other.body.accessToken))).status).toBe(404);
    expect((await t.http.delete(`/api/auth/sessions/${bId}`).set(bearer(a.body.accessToken))).status).toBe(204);
    expect((await me(b.body.accessToken)).status).toBe(401);
    expect((await me(c.body.accessToken)).status).toBe(200);

    const all = await t.http.post('/api/auth/logout-all').set(bearer(c.body.accessToken));
    expect(all.status).toBe(200);
    expect(all.body.sessionsEnded).toBeGreaterThanOrEqual(2);
    expect((await me(a.body.accessToken)).status).toBe(401);
    expect((await me(c.body.accessToken)).status).toBe(401);
    expect((await me(other.body.accessToken)).status).toBe(200);
  });

  it("a disabled user's sessions stop working at once, refresh included", async () => {
    const res = await login('hengda.foreman');
    expect((await me(res.body.accessToken)).status).toBe(200);
    await t.ds.query(`UPDATE users SET status = 'disabled' WHERE username = 'hengda.foreman'`);
    try {
      expect((await me(res.body.accessToken)).status).toBe(401);
      expect((await t.http.post('/api/auth/refresh').set('Cookie', refreshCookie(res).pair)).status).toBe(401);
      expect((await login('hengda.foreman')).status).toBe(401);
    } finally {
      await t.ds.query(`UPDATE users SET status = 'active' WHERE username = 'hengda.foreman'`);
    }
  });

  it('locks an account per user name and per source address, with the unlock time, and reopens after the window', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await login('huiting.regulator', `Wrong#${i}guess`, `198.51.100.${i + 1}`);
      statuses.push(r.body.error.code);
    }
    // From five different addresses: the account still locks (per account, not per address).
    expect(statuses).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), 'ACCOUNT_LOCKED']);
    const locked = await login('huiting.regulator', DEMO_PASSWORD, '198.51.100.50');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(new Date(locked.body.error.details.lockedUntil).getTime()).toBe(clock.now().getTime() + 900_000);
    expect(await t.ds.query(`SELECT entity_id FROM audit_log WHERE action = 'auth.account.locked'`)).toEqual([
      { entity_id: 'huiting.regulator' },
    ]);
    // Unknown names lock the same way (the answer does not reveal which names exist).
    for (let i = 0; i < 5; i++) await login('no.such.user', `Wrong#${i}guess`, `198.51.100.${60 + i}`);
    expect((await login('no.such.user', 'x', '198.51.100.70')).body.error.code).toBe('ACCOUNT_LOCKED');
    // Persisted in PostgreSQL (not in one process's memory): a second replica (or a restarted server),
    // with nothing in memory, sees the same lock.
    const replica = new LoginSprayLimiter(
      clock,
      t.ds,
      t.app.get(AuditService),
      new LoginAttemptsRepository(t.ds),
      t.config,
    );
    expect(await replica.accountLockedUntil('huiting.regulator')).toEqual(
      new Date(locked.body.error.details.lockedUntil),
    );
    await expect(replica.assertAllowed('198.51.100.1')).resolves.toBeUndefined();
    const [{ n }] = await t.ds.query(
      `SELECT count(*)::int AS n FROM login_attempts WHERE username = 'huiting.regulator' AND result = 'bad_credentials'`,
    );
    expect(n).toBe(5);
    clock.advance(901_000);
    expect((await login('huiting.regulator', DEMO_PASSWORD, '198.51.100.50')).status).toBe(200);

    // Per source address: 30 failures across names from one address close it (LOGIN_THROTTLED).
    const ip = '203.0.113.77';
    for (let i = 0; i < 30; i++) await login(`spray${i % 6}`, `Guess#${i}x`, ip);
    const closed = await login('hengda.admin', DEMO_PASSWORD, ip);
    expect(closed.body.error.code).toBe('LOGIN_THROTTLED');
    expect((await login('hengda.admin', DEMO_PASSWORD, '203.0.113.78')).status).toBe(200);
    clock.advance(901_000);
  });

  it('records a log-in history per account: time, address, user agent, result', async () => {
    await login('admin', 'Wrong#guess1', '192.0.2.99');
    const ok = await login('admin', DEMO_PASSWORD, '192.0.2.99');
    expect(ok.status).toBe(200);
    const h = await t.http.get('/api/auth/login-history').set(bearer(ok.body.accessToken));
    expect(h.status).toBe(200);
    expect(h.body.slice(0, 2)).toEqual([
      expect.objectContaining({ ip: '192.0.2.99', userAgent: 'Mozilla/5.0 (sessions spec)', result: 'success' }),
      expect.objectContaining({ ip: '192.0.2.99', result: 'bad_credentials' }),
    ]);
    // Only mine.
    expect(h.body.every((r: { at: string }) => typeof r.at === 'string')).toBe(true);
    const other = await login('hengda.admin');
    const oh = await t.http.get('/api/auth/login-history').set(bearer(other.body.accessToken));
    expect(oh.body.some((r: { ip: string }) => r.ip === '192.0.2.99')).toBe(false);

    // Whoever manages an account reads its history too (恒达's admin: its safety manager); nobody else does.
    await login('hengda.safety', 'Wrong#guess2', '192.0.2.41');
    const [safety] = await t.ds.query(`SELECT id FROM users WHERE username = 'hengda.safety'`);
    const managed = await t.http
      .get(`/api/auth/accounts/${safety.id}/login-history`)
      .set(bearer(other.body.accessToken));
    expect(managed.status).toBe(200);
    expect(managed.body[0]).toMatchObject({ ip: '192.0.2.41', result: 'bad_credentials' });
    expect(
      (await t.http.get(`/api/auth/accounts/${safety.id}/login-history`).set(bearer(ok.body.accessToken))).status,
    ).toBe(200);
    const township = await login('huiting.regulator');
    expect(
      (await t.http.get(`/api/auth/accounts/${safety.id}/login-history`).set(bearer(township.body.accessToken))).status,
    ).toBe(404);
    const [admin] = await t.ds.query(`SELECT id FROM users WHERE username = 'admin'`);
    expect(
      (await t.http.get(`/api/auth/accounts/${admin.id}/login-history`).set(bearer(other.body.accessToken))).status,
    ).toBe(404);
  });

  it('keeps the log-in history for the retention period (180 days by default), then deletes it, oldest first', async () => {
    const now = clock.now().getTime();
    const day = 86_400_000;
    const [admin] = await t.ds.query(`SELECT id FROM users WHERE username = 'admin'`);
    // 12,001 attempts past the period (more than one delete batch) and one just inside it.
    await t.ds.query(
      `INSERT INTO login_attempts (at, username, user_id, source_key, ip, user_agent, result)
       SELECT $1::timestamptz - g * interval '1 second', 'admin', $2, 'retention', '198.51.100.7', NULL, 'success'
         FROM generate_series(1, 12001) g`,
      [new Date(now - 181 * day), admin.id],
    );
    await t.ds.query(
      `INSERT INTO login_attempts (at, username, user_id, source_key, ip, user_agent, result)
       VALUES ($1, 'admin', $2, 'retention', '198.51.100.8', NULL, 'success')`,
      [new Date(now - 179 * day), admin.id],
    );
    expect(await t.app.get(LoginHistoryRetentionJob).deleteExpired()).toBe(12_001);
    const left: { ip: string }[] = await t.ds.query(`SELECT ip FROM login_attempts WHERE source_key = 'retention'`);
    expect(left).toEqual([{ ip: '198.51.100.8' }]);
    // Nothing inside the period is touched: a second run deletes nothing.
    const before: { n: number }[] = await t.ds.query(`SELECT count(*)::int AS n FROM login_attempts`);
    expect(await t.app.get(LoginHistoryRetentionJob).deleteExpired()).toBe(0);
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM login_attempts`)).toEqual(before);
  });

  it('forces a password change at the next log-in: the session may only change it; the policy applies', async () => {
    await t.ds.query(`UPDATE users SET must_change_password = true WHERE username = 'hengda.safety'`);
    const old = await login('hengda.safety', DEMO_PASSWORD, '192.0.2.30');
    const res = await login('hengda.safety', DEMO_PASSWORD, '192.0.2.31');
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    const token = res.body.accessToken;
    const blocked = await t.http.get('/api/alerts').set(bearer(token));
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await me(token)).status).toBe(200);
    const change = (currentPassword: string, newPassword: string) =>
      t.http.post('/api/auth/password').set(bearer(token)).send({ currentPassword, newPassword });
    const weak = await change(DEMO_PASSWORD, 'Password123!');
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields).toEqual([
      expect.objectContaining({ field: 'newPassword', code: 'passwordTooCommon' }),
    ]);
    const named = await change(DEMO_PASSWORD, 'Hengda.Safety#1');
    expect(named.body.error.fields.map((f: { code: string }) => f.code)).toEqual(['passwordContainsUsername']);
    const same = await change(DEMO_PASSWORD, DEMO_PASSWORD);
    expect(same.body.error.fields.map((f: { code: string }) => f.code)).toEqual(['unchanged']);
    const wrong = await change('Not-the-password#1', NEW_PASSWORD);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f: { code: string }) => f.code)).toEqual(['wrongPassword']);
    const ok = await change(DEMO_PASSWORD, NEW_PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ mustEnrolTotp: false });
    // Released: the same session now reaches everything; the other session is ended.
    expect((await t.http.get('/api/alerts').set(bearer(token))).status).toBe(200);
    expect((await me(old.body.accessToken)).status).toBe(401);
    const [u] = await t.ds.query(
      `SELECT must_change_password, password_changed_at FROM users WHERE username = 'hengda.safety'`,
    );
    expect(u.must_change_password).toBe(false);
    expect(new Date(u.password_changed_at).getTime()).toBe(clock.now().getTime());
    expect((await login('hengda.safety', DEMO_PASSWORD)).status).toBe(401);
    const again = await login('hengda.safety', NEW_PASSWORD);
    expect(again.body.mustChangePassword).toBe(false);
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.password.change'`)).toEqual([
      { n: 1 },
    ]);
  });

  it('TOTP: enrol with a QR code, confirm, log in with a code (not replayable) or a recovery code (once), disable', async () => {
    const first = await login('xiayi.regulator');
    const token = first.body.accessToken;
    const enrol = await t.http.post('/api/auth/totp/enrol').set(bearer(token));
    expect(enrol.status).toBe(200);
    expect(enrol.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/ArcGate:xiayi\.regulator\?/);
    const totp = new TOTP({ secret: Secret.fromBase32(enrol.body.secret), digits: 6, period: 30 });
    const code = () => totp.generate({ timestamp: clock.now().getTime() });
    expect((await t.http.post('/api/auth/totp/confirm').set(bearer(token)).send({ code: '000000' })).status).toBe(400);
    const confirm = await t.http.post('/api/auth/totp/confirm').set(bearer(token)).send({ code: code() });
    expect(confirm.status).toBe(200);
    const recovery: string[] = confirm.body.recoveryCodes;
    expect(recovery).toHaveLength(10);
    expect((await t.http.get('/api/auth/totp').set(bearer(token))).body).toEqual({
      enabled: true,
      required: false,
      recoveryCodesLeft: 10,
    });
    const [row] = await t.ds.query(`SELECT secret_enc, recovery_code_hashes FROM user_totp`);
    expect(row.secret_enc).not.toContain(enrol.body.secret);
    expect(JSON.stringify(row.recovery_code_hashes)).not.toContain(recovery[0]);

    const noCode = await login('xiayi.regulator');
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('TOTP_REQUIRED');
    expect(noCode.headers['set-cookie']).toBeUndefined();
    expect((await login('xiayi.regulator', DEMO_PASSWORD, undefined, { totpCode: code() })).status).toBe(401);
    clock.advance(30_000);
    const withCode = await login('xiayi.regulator', DEMO_PASSWORD, undefined, { totpCode: code() });
    expect(withCode.status).toBe(200);
    expect((await login('xiayi.regulator', DEMO_PASSWORD, undefined, { totpCode: code() })).status).toBe(401);
    const withRecovery = await login('xiayi.regulator', DEMO_PASSWORD, undefined, { recoveryCode: recovery[0] });
    expect(withRecovery.status).toBe(200);
    expect((await login('xiayi.regulator', DEMO_PASSWORD, undefined, { recoveryCode: recovery[0] })).status).toBe(401);
    // A wrong password with a right code is still a wrong password.
    clock.advance(30_000);
    expect((await login('xiayi.regulator', 'Wrong#pass1', undefined, { totpCode: code() })).status).toBe(401);

    const t2 = withRecovery.body.accessToken;
    const disable = (password: string, c: string) =>
      t.http.post('/api/auth/totp/disable').set(bearer(t2)).send({ password, code: c });
    expect((await disable('Wrong#pass1', code())).status).toBe(401);
    expect((await disable(DEMO_PASSWORD, code())).status).toBe(204);
    expect((await login('xiayi.regulator')).status).toBe(200);
    expect(await t.ds.query(`SELECT action FROM audit_log WHERE action LIKE 'auth.totp.%' ORDER BY id`)).toEqual([
      { action: 'auth.totp.enable' },
      { action: 'auth.totp.disable' },
    ]);
  });
  it('changes no credential whose audit entry cannot be stored: password, other sessions and two-factor stay as they were', async () => {
    // The audit log refuses these three actions, as a full disk or a failing insert would.
    await t.ds.query(`CREATE FUNCTION refuse_credential_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action IN ('auth.password.change', 'auth.totp.enable', 'auth.totp.disable')
        THEN RAISE EXCEPTION 'audit refused for the test'; END IF; RETURN NEW; END $$`);
    const refuse = () =>
      t.ds.query(
        `CREATE TRIGGER refuse_credential_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_credential_audit()`,
      );
    const allow = () => t.ds.query(`DROP TRIGGER IF EXISTS refuse_credential_audit ON audit_log`);
    try {
      const user = 'huiting.regulator';
      const [before] = await t.ds.query(`SELECT password_hash, password_changed_at FROM users WHERE username = $1`, [
        user,
      ]);
      const mine = await login(user);
      const other = await login(user, DEMO_PASSWORD, '192.0.2.11');
      expect([mine.status, other.status, mine.body.mustChangePassword]).toEqual([200, 200, false]);
      const token = mine.body.accessToken;
      await refuse();
      const change = await t.http
        .post('/api/auth/password')
        .set(bearer(token))
        .send({ currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD });
      expect(change.status).toBe(500);
      const [after] = await t.ds.query(`SELECT password_hash, password_changed_at FROM users WHERE username = $1`, [
        user,
      ]);
      expect(after).toEqual(before);
      expect((await me(other.body.accessToken)).status).toBe(200);

      const enrol = await t.http.post('/api/auth/totp/enrol').set(bearer(token)).expect(200);
      const totp = new TOTP({ secret: Secret.fromBase32(enrol.body.secret), digits: 6, period: 30 });
      const code = () => totp.generate({ timestamp: clock.now().getTime() });
      const status = async () => (await t.http.get('/api/auth/totp').set(bearer(token))).body.enabled;
      expect((await t.http.post('/api/auth/totp/confirm').set(bearer(token)).send({ code: code() })).status).toBe(500);
      expect(await status()).toBe(false);
      await allow();
      expect((await t.http.post('/api/auth/totp/confirm').set(bearer(token)).send({ code: code() })).status).toBe(200);
      await refuse();
      clock.advance(30_000);
      const off = await t.http
        .post('/api/auth/totp/disable')
        .set(bearer(token))
        .send({ password: DEMO_PASSWORD, code: code() });
      expect(off.status).toBe(500);
      expect(await status()).toBe(true);
    } finally {
      await allow();
      await t.ds.query(`DROP FUNCTION refuse_credential_audit()`);
    }
  });
});

describe('sessions: TOTP required for regulator and platform accounts (TOTP_REQUIRED)', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-03-02T02:00:00Z'));
  beforeAll(async () => {
    t = await createTestApp({ clock, config: { totpRequired: true } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives a regulator an enrol-only session until TOTP is confirmed; enterprise users are not asked', async () => {
    const res = await t.http.post('/api/auth/login').send({ username: 'xiayi.regulator', password: DEMO_PASSWORD });
    expect(res.body.mustEnrolTotp).toBe(true);
    const auth = { Authorization: `Bearer ${res.body.accessToken}` };
    const blocked = await t.http.get('/api/alerts').set(auth);
    expect(blocked.body.error.code).toBe('TOTP_ENROLMENT_REQUIRED');
    const enrol = await t.http.post('/api/auth/totp/enrol').set(auth).expect(200);
    const totp = new TOTP({ secret: Secret.fromBase32(enrol.body.secret) });
    await t.http
      .post('/api/auth/totp/confirm')
      .set(auth)
      .send({ code: totp.generate({ timestamp: clock.now().getTime() }) })
      .expect(200);
    expect((await t.http.get('/api/alerts').set(auth)).status).toBe(200);
    // Required: it cannot be turned off.
    clock.advance(30_000);
    const off = await t.http
      .post('/api/auth/totp/disable')
      .set(auth)
      .send({ password: DEMO_PASSWORD, code: totp.generate({ timestamp: clock.now().getTime() }) });
    expect(off.status).toBe(409);
    const ent = await t.http.post('/api/auth/login').send({ username: 'hengda.admin', password: DEMO_PASSWORD });
    expect(ent.body.mustEnrolTotp).toBe(false);
  });
});
