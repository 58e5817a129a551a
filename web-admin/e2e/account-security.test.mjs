// @ts-check
// Credentials and sessions in the browser (issue 16 §1): a forced password change at the first log-in, TOTP
// set-up on the 账号安全 page and a two-step log-in with it, and the transparent refresh of an access token
// the server no longer accepts. Headless Chromium against the built server with the Xiayi demo data.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Secret, TOTP } = require('otpauth');

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN' };
const NEW_PASSWORD = 'Weld-Safe#7319';

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

/** @param {string} sql @param {unknown[]} [params] */
async function query(sql, params = []) {
  const c = new Client({ connectionString: server.databaseUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

async function newPage() {
  const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  /** @type {string[]} */ const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** @param {import('playwright-core').Page} page @param {string} username @param {string} [password] */
async function submitLogin(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe('account security', () => {
  it('forces a password change at the first log-in; the policy is explained in Chinese', async () => {
    await query(`UPDATE users SET must_change_password = true WHERE username = 'hengda.safety'`);
    const { context, page, errors } = await newPage();
    await submitLogin(page, 'hengda.safety');
    await page.waitForURL(/\/account\/password/);
    await page.getByTestId('forced-change').waitFor();
    // Another page is not reachable before the change.
    await page.goto('/workspace/overview');
    await page.waitForURL(/\/account\/password/);

    await page.getByTestId('current-password').fill(DEMO_PASSWORD);
    await page.getByTestId('new-password').fill('Password123!');
    await page.getByTestId('confirm-password').fill('Password123!');
    await page.getByTestId('change-password-submit').click();
    await page.getByText('该密码过于常见').first().waitFor();

    await page.getByTestId('new-password').fill(NEW_PASSWORD);
    await page.getByTestId('confirm-password').fill(NEW_PASSWORD);
    await page.getByTestId('change-password-submit').click();
    await page.waitForURL(/\/workspace\/overview/);
    const [row] = await query(`SELECT must_change_password FROM users WHERE username = 'hengda.safety'`);
    assert.equal(row.must_change_password, false);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('sets up TOTP on 账号安全, then logs in with a code; an unusable access token is refreshed transparently', async () => {
    const { context, page, errors } = await newPage();
    await submitLogin(page, 'xiayi.regulator');
    await page.waitForURL(/\/console\/overview/);
    await page.getByTestId('account-security-link').click();
    await page.waitForURL(/\/console\/security/);
    await page.getByTestId('totp-start').click();
    await page.getByTestId('totp-qr').waitFor();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    await page.getByTestId('totp-confirm-code').fill(totp.generate());
    await page.getByTestId('totp-confirm').click();
    const codes = await page.getByTestId('recovery-codes').locator('pre').textContent();
    assert.equal((codes ?? '').trim().split('\n').length, 10);
    await page.getByTestId('recovery-done').click();
    await page.getByTestId('totp-state').filter({ hasText: '已开启' }).waitFor();
    await page.getByTestId('sessions-table').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('history-table').getByText('成功').first().waitFor();
    await page.screenshot({ path: join(shots, '89-security.png'), fullPage: true });

    // The access token is refused (as an expired one would be): the page refreshes it with the cookie.
    await page.evaluate(() => localStorage.setItem('arcgate.token', 'not-a-valid-token'));
    await page.reload();
    await page.getByTestId('sessions-table').locator('tbody tr.ant-table-row').first().waitFor();
    assert.notEqual(await page.evaluate(() => localStorage.getItem('arcgate.token')), 'not-a-valid-token');
    assert.match(page.url(), /\/console\/security/);

    // Log out (the session is revoked on the server) and back in: the code step.
    await page.getByTestId('logout').click();
    await page.getByTestId('username').waitFor();
    // The server ended the session: nothing is left in the browser that logs in.
    assert.equal(await page.evaluate(() => localStorage.getItem('arcgate.token')), null);
    await submitLogin(page, 'xiayi.regulator');
    await page.getByTestId('totp-code').waitFor();
    // The next time step's code (the current one was used to confirm: no replay).
    await page.getByTestId('totp-code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByTestId('login-submit').click();
    // Back where the user was when logging out.
    await page.waitForURL(/\/console\/security/);
    await page.getByTestId('account-security').waitFor();
    const history = await query(
      `SELECT result FROM login_attempts la JOIN users u ON u.id = la.user_id WHERE u.username = 'xiayi.regulator' ORDER BY la.id`,
    );
    assert.deepEqual(
      history.map((r) => r.result),
      ['success', 'totp_required', 'success'],
    );

    // The live alert stream opens with a one-time ticket: no token in any URL.
    /** @type {string[]} */ const urls = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto('/console/alerts');
    await page.getByTestId('alerts-live').getByText('实时推送已连接').waitFor();
    const stream = urls.filter((u) => u.includes('/api/alerts/stream'));
    assert.ok(
      stream.some((u) => /[?&]ticket=/.test(u)),
      JSON.stringify(stream),
    );
    assert.ok(
      urls.every((u) => !u.includes('access_token') && !u.includes('eyJ')),
      JSON.stringify(urls),
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
});
