import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { sourceKey } from './login-spray-limiter';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

const SUITE = 'login-spray';
const WINDOW_S = 900;

/** Password spraying: many user names, few guesses each, from one address. */
describe('failed log-ins are throttled per source address across user names', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-03-02T02:00:00Z'));
  const classes: Record<string, { tried: number; refused: number; notes: string }> = {};
  const count = (cls: string, notes: string, refused: boolean) => {
    const c = (classes[cls] ??= { tried: 0, refused: 0, notes });
    c.tried++;
    if (refused) c.refused++;
  };

  beforeAll(async () => {
    // The per-name limiter is opened wide so that only the per-address one is under test; the
    // addresses come from X-Forwarded-For behind a trusted loopback proxy.
    t = await createTestApp({
      clock,
      config: {
        loginRateLimitPerMinute: 1000,
        trustProxy: ['loopback'],
        loginSpray: { windowS: WINDOW_S, maxFailures: 30, maxUsernames: 10 },
        // The per-account lockout (auth/sessions.integration-spec.ts) is opened wide too.
        loginLockout: { windowS: WINDOW_S, maxFailures: 100 },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    writeSecurityArtifact(
      SUITE,
      'Log-in: password spraying across user names from one address',
      Object.entries(classes).map(([cls, c]) => ({ class: cls, ...c })),
    );
  });

  const login = (username: string, password: string, ip: string) =>
    t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });
  const throttledAudits = async () =>
    t.ds.query<{ entity_id: string; after: { usernames: number } }[]>(
      `SELECT entity_id, after FROM audit_log WHERE action = 'auth.login.throttled' ORDER BY id`,
    );

  it('closes an address after failures on 10 user names, answers 429 with Retry-After even for a right password, audits it once, and reopens after the window', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 10; i++) {
      const res = await login(`user${i}`, 'Spring2026!', ip);
      expect(res.status).toBe(401);
    }
    let throttledCount = 0;
    for (const [user, password] of [
      ['user10', 'Spring2026!'],
      ['user11', 'Spring2026!'],
      ['admin', 'Spring2026!'],
      ['hengda.admin', DEMO_PASSWORD],
    ]) {
      const res = await login(user, password, ip);
      const refused = res.status === 429 && res.body.error?.code === 'LOGIN_THROTTLED';
      count(
        'password spraying (many user names, one address)',
        'after 10 names failed in 15 min: 429 LOGIN_THROTTLED + Retry-After, checked before the password',
        refused,
      );
      if (refused) throttledCount++;
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('LOGIN_THROTTLED');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
      expect(res.body.error.details.retryAfterS).toBe(retryAfter);
    }
    expect(throttledCount).toBe(4);
    const audits = await throttledAudits();
    expect(audits).toEqual([
      { entity_id: '203.0.113.*', after: expect.objectContaining({ usernames: 10, windowS: WINDOW_S }) },
    ]);

    // Another address (a different office) is not affected.
    expect((await login('hengda.admin', DEMO_PASSWORD, '198.51.100.20')).status).toBe(200);

    // Bounded: a user behind the same NAT gets in once the failures leave the window.
    clock.advance((WINDOW_S - 60) * 1000);
    expect((await login('hengda.admin', DEMO_PASSWORD, ip)).status).toBe(429);
    clock.advance(61 * 1000);
    const back = await login('hengda.admin', DEMO_PASSWORD, ip);
    count(
      'lock-out of legitimate users behind a shared address',
      'reopened when the failures left the 15-minute window (not locked forever)',
      back.status === 200,
    );
    expect(back.status).toBe(200);
  });

  it('closes an address after 30 failures on few names, and counts IPv6 hosts of one /64 together', async () => {
    const ip = '198.51.100.99';
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await login(`name${i % 3}`, `guess${i}`, ip)).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    count(
      'repeated guessing from one address (few names)',
      '30 failures in 15 min from one address',
      statuses[30] === 429,
    );

    // One host rotating through its /64: still one source.
    const base = '2001:db8:aa:bb';
    for (let i = 0; i < 10; i++)
      expect((await login(`v6user${i}`, 'x', `${base}::${(i + 1).toString(16)}`)).status).toBe(401);
    const rotated = await login('v6user-next', 'x', `${base}:ffff:1:2:3`);
    count(
      'password spraying (many user names, one address)',
      'after 10 names failed in 15 min: 429 LOGIN_THROTTLED + Retry-After, checked before the password',
      rotated.status === 429,
    );
    expect(rotated.status).toBe(429);
    expect(sourceKey('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(sourceKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
  });
});
