// @ts-check
// The account life cycle (issue 16 §1) end to end in Chromium:
//  1. 企业注册: an enterprise registers itself on /register (credit code, people, licence photo, admin account);
//     the 会亭镇 regulator approves it on /console/registrations; the new enterprise admin logs in for the
//     first time with the password they chose, and adds a safety manager on /workspace/accounts.
//  2. Welder activation on a phone viewport: 刘洋 (in the demo registry, no account) proves ID number,
//     certificate number and phone on /activate, types the one-time code and chooses a password, then logs in.
// The one-time code: the server runs with the development SMS provider (LogSmsSender), which writes each text
// message through the application log; this server logs at info so the harness's captured output holds it,
// and the test reads the code from there (no test hook in the server).
// Run: npm run build (root), then node --test e2e/accounts.test.mjs (in web-admin)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, pickOption, startServer } from './harness.mjs';

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** GB 32100 check character, as the server computes it. */
function uscc(body17) {
  const cs = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += cs.indexOf(body17[i]) * w[i];
  return body17 + cs[(31 - (sum % 31)) % 31];
}

/** GB 11643 check character. */
function idNo(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * w[i];
  return body17 + '10X98765432'[sum % 11];
}

/** A real PNG (a pale "licence" with a red seal-like block), w×h. */
function licencePng(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const seal = (x - w * 0.75) ** 2 + (y - h * 0.7) ** 2 < (h * 0.12) ** 2;
      raw[o] = seal ? 210 : 245;
      raw[o + 1] = seal ? 40 : 238;
      raw[o + 2] = seal ? 40 : 220;
    }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();
const pageErrors = [];

before(async () => {
  server = await startServer({ env: { LOG_LEVEL: 'info' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) console.log(server.log());
    await server.stop();
  }
});

async function open(options) {
  const context = await browser.newContext({ ...options, baseURL: server.baseUrl });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  return { context, page };
}

async function logIn(page, username, password, home) {
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(home);
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** The latest activation code the development SMS provider wrote to the server log for this masked number. */
async function codeFromLog(maskedPhone, notBefore) {
  for (let i = 0; i < 100; i++) {
    const lines = server.log().slice(notBefore).split('\n');
    const hit = lines.reverse().find((l) => l.includes(maskedPhone) && /激活验证码为 \d{6}/.test(l));
    if (hit) return /激活验证码为 (\d{6})/.exec(hit)?.[1] ?? '';
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no activation code for ${maskedPhone} in the server log`);
}

describe('accounts: self-registration → approval → first log-in; welder activation on a phone', () => {
  const form = {
    uscc: uscc('91411426MA44E2E01'),
    name: '夏邑县新建钢构有限公司',
    industry: '金属制品业',
    address: '会亭镇工业园区纬二路1号',
    legal: '李建新',
    principal: '王建新',
    principalPhone: '13837005001',
    safety: '赵安全',
    safetyPhone: '13837005002',
    username: 'xinjian.admin',
    adminName: '新建钢构管理员',
    password: 'Xinjian#2026',
  };

  it('registers an enterprise, which the township approves and whose admin then logs in', async () => {
    const anon = await open(DESKTOP);
    const p = anon.page;
    await p.goto('/login');
    await p.getByTestId('login-register').click();
    await p.waitForURL(/\/register$/);
    await p.getByTestId('register-form').waitFor();
    // a mistyped check character is caught while typing
    await p.getByTestId('register-uscc').fill(form.uscc.slice(0, 17) + (form.uscc[17] === '0' ? '1' : '0'));
    await p.getByTestId('register-name').click();
    await p.getByText('统一社会信用代码不正确').waitFor();
    await p.getByTestId('register-uscc').fill(form.uscc);
    await p.getByTestId('register-name').fill(form.name);
    await p.getByTestId('register-industry').fill(form.industry);
    await pickOption(p, p.getByTestId('register-region'), '会亭镇');
    await p.getByTestId('register-address').fill(form.address);
    await p.getByTestId('register-licence').setInputFiles({
      name: 'licence.png',
      mimeType: 'image/png',
      buffer: licencePng(480, 320),
    });
    await p.getByTestId('register-licence-preview').waitFor();
    await p.getByTestId('register-legal').fill(form.legal);
    await p.getByTestId('register-principal').fill(form.principal);
    await p.getByTestId('register-principal-phone').fill(form.principalPhone);
    await p.getByTestId('register-safety').fill(form.safety);
    await p.getByTestId('register-safety-phone').fill(form.safetyPhone);
    await p.getByTestId('register-username').fill(form.username);
    await p.getByTestId('register-admin-name').fill(form.adminName);
    // the password policy answers with its own words under the field
    await p.getByTestId('register-password').fill('xinjianadmin');
    await p.getByTestId('register-password2').fill('xinjianadmin');
    await p.getByTestId('register-submit').click();
    await p.getByText('须包含大写字母、小写字母、数字、符号中的至少三类').first().waitFor();
    await p.getByTestId('register-password').fill(form.password);
    await p.getByTestId('register-password2').fill(form.password);
    await shot(p, '86-register');
    await p.getByTestId('register-submit').click();
    await p.getByTestId('register-done').waitFor();
    const tracking = ((await p.getByTestId('register-tracking-code').textContent()) ?? '').trim();
    assert.match(tracking, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await p.getByRole('button', { name: '查看审核进度' }).click();
    await p.getByTestId('register-status-value').getByText('待审核').waitFor();
    // not yet approved: the chosen account does not log in
    await p.goto('/login');
    await p.getByTestId('username').fill(form.username);
    await p.getByTestId('password').fill(form.password);
    await p.getByTestId('login-submit').click();
    await p.getByText('用户名或密码错误').waitFor();
    await anon.context.close();

    // 会亭镇 reviews and approves it.
    const reg = await open(DESKTOP);
    await logIn(reg.page, 'huiting.regulator', DEMO_PASSWORD, /\/console\/overview/);
    await reg.page.goto('/console/registrations');
    const row = reg.page.locator('tr').filter({ has: reg.page.getByTestId('registrations-name').getByText(form.name) });
    await row.getByTestId('registrations-licence').waitFor();
    assert.match((await row.textContent()) ?? '', /138\*\*\*\*5001/);
    assert.doesNotMatch((await reg.page.content()) ?? '', /13837005001/);
    await shot(reg.page, '86-register-review');
    await row.getByTestId('registrations-approve').click();
    await reg.page.getByTestId('registrations-approve-ok').click();
    await reg.page.getByText('已通过，企业及管理员账号已创建').waitFor();
    await reg.page.getByText('暂无待审核的注册申请').waitFor();
    await reg.context.close();

    // The new enterprise admin's first log-in, with the password chosen on the form; then its accounts page.
    const ent = await open(DESKTOP);
    await logIn(ent.page, form.username, form.password, /\/workspace\/overview/);
    await ent.page.goto('/workspace/accounts');
    await ent.page.getByTestId('accounts-username').getByText(form.username).waitFor();
    await ent.page.getByTestId('accounts-create').click();
    await pickOption(ent.page, ent.page.getByTestId('accounts-role'), '安全管理员');
    await ent.page.getByTestId('accounts-new-username').fill('xinjian.safety');
    await ent.page.getByTestId('accounts-new-name').fill(form.safety);
    await ent.page.getByTestId('accounts-new-password').fill('Safety#2026x');
    await ent.page.getByTestId('accounts-create-ok').click();
    await ent.page.getByText('账号已创建，首次登录须修改密码').waitFor();
    const safetyRow = ent.page
      .locator('tr')
      .filter({ has: ent.page.getByTestId('accounts-username').getByText('xinjian.safety') });
    await safetyRow.getByText('待改密码').waitFor();
    // reset: the one-time password is shown once
    await safetyRow.getByTestId('accounts-reset').click();
    await ent.page.getByTestId('accounts-reset-ok').click();
    const otp = ((await ent.page.getByTestId('accounts-one-time-password').textContent()) ?? '').trim();
    assert.equal(otp.length, 12);
    await shot(ent.page, '87-accounts');
    await ent.page.keyboard.press('Escape');
    await ent.page.getByTestId('accounts-one-time-password').waitFor({ state: 'hidden' });
    // the account's log-in history: a wrong password tried on it shows, with its address
    await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'xinjian.safety', password: 'Wrong#guess2026' }),
    });
    await safetyRow.getByTestId('accounts-history').click();
    await ent.page.getByTestId('accounts-history-table').getByText('密码错误').waitFor();
    await ent.page.keyboard.press('Escape');
    await ent.page.getByTestId('accounts-history-table').waitFor({ state: 'hidden' });
    // disable, and it shows as disabled
    await safetyRow.getByTestId('accounts-toggle').click();
    await ent.page.getByTestId('accounts-disable-ok').click();
    await safetyRow.getByTestId('accounts-status').getByText('已停用').waitFor();
    await ent.context.close();
    assert.deepEqual(pageErrors, []);
  });

  it('lets a welder of the registry activate their own account on a phone', async () => {
    const liuId = idNo('41142619900719002');
    const ph = await open(PHONE);
    const p = ph.page;
    await p.goto('/login');
    await p.getByTestId('login-activate').click();
    await p.waitForURL(/\/activate$/);
    await p.getByTestId('activate-form').waitFor();
    // no antd on this phone page
    assert.equal(await p.locator('.ant-btn, .ant-input').count(), 0);
    // details that do not match the registry are refused, in words
    await p.getByTestId('activate-id').fill(liuId);
    await p.getByTestId('activate-cert').fill(`T${liuId}`);
    await p.getByTestId('activate-phone').fill('13900009999');
    await p.getByTestId('activate-send').click();
    await p.getByTestId('activate-error').getByText('与焊工登记信息不一致').waitFor();
    await p.getByTestId('activate-phone').fill('13900002222');
    const logMark = server.log().length;
    await p.getByTestId('activate-send').click();
    await p.getByTestId('activate-sent').getByText('139****2222').waitFor();
    const code = await codeFromLog('139****2222', logMark);
    assert.match(code, /^\d{6}$/);
    // the resend button waits out its cool-down
    assert.equal(await p.getByTestId('activate-send').isDisabled(), true);
    await p.getByTestId('activate-code').fill(code === '000000' ? '111111' : '000000');
    await p.getByTestId('activate-username').fill('liu.yang');
    await p.getByTestId('activate-password').fill('Weld#2026ok');
    await p.getByTestId('activate-password2').fill('Weld#2026ok');
    await p.getByTestId('activate-submit').click();
    await p.getByText('验证码错误').first().waitFor();
    await p.getByTestId('activate-code').fill(code);
    await shot(p, '88-activate-form');
    await p.getByTestId('activate-submit').click();
    await p.getByTestId('activate-done').waitFor();
    await shot(p, '88-activate');
    await p.getByTestId('activate-login').click();
    await logIn(p, 'liu.yang', 'Weld#2026ok', /\/w$/);
    await p.getByText('刘洋').first().waitFor();
    await ph.context.close();
    assert.deepEqual(pageErrors, []);
  });
});
