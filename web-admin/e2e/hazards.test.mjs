// @ts-check
// The hazard register (issue 15 §1) in headless Chromium against the built server with the Xiayi demo data:
// online patrol turns a platform alert of 恒达 (会亭镇) into a hazard; 会亭镇 orders rectification with a
// deadline; 恒达 reports it with a photo (and files a self-inspection finding); 会亭镇 verifies and may not
// sign off what it handled; the county signs it off (销号). The start-up certificate scan raises the alerts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiGet,
  apiLogin,
  DEMO_PASSWORD,
  ensureScreenshotDir,
  launchBrowser,
  pickOption,
  startServer,
} from './harness.mjs';

// A regulator's browser runs on China time: the deadline typed is the deadline shown.
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const RAW =
  /[0-9a-f]{8}-[0-9a-f]{4}-|\b(signed_off|platform_alert|self_inspection|arc_without_grant|unlicensed_welding|rectified|ordered)\b/;
/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

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

async function session(username, home) {
  const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(home);
  return { context, page, errors };
}

/** The drawer's state tag reads `label`. */
async function stateIs(page, label) {
  await page.getByTestId('hazard-detail').getByTestId('hazard-state').filter({ hasText: label }).waitFor();
}

async function assertReadable(page, what) {
  const text = await page.getByTestId('hazard-detail').innerText();
  assert.ok(!RAW.test(text), `${what} shows a raw code or id: ${text.match(RAW)?.[0]}`);
}

describe('hazard register: alert → hazard → order → rectify → sign-off', () => {
  it('runs the closed loop across township, enterprise and county, each seeing only their step', async () => {
    const token = await apiLogin(server.baseUrl, 'huiting.regulator');
    const steel = (await apiGet(server.baseUrl, token, `/api/enterprises?q=${encodeURIComponent('恒达')}`)).items[0];
    const alerts = await apiGet(server.baseUrl, token, `/api/alerts?state=open&enterpriseId=${steel.id}&pageSize=50`);
    // The certificate scan's alert, by type: the newest open one may be another test's (a hazard's overdue alert
    // raised by its scanner meanwhile), which made this pick depend on timing.
    const alert = alerts.items.find((a) => a.type.startsWith('CERTIFICATE_'));
    assert.ok(alert, 'the start-up certificate scan raised an alert at 恒达');

    // 1. 会亭镇: the alert becomes a hazard in one click (线上巡查执法).
    const township = await session('huiting.regulator', /\/console\/overview/);
    let page = township.page;
    await page.goto(`/console/alerts?state=open&enterpriseId=${steel.id}&type=${alert.type}`);
    await page.getByTestId('alert-detail-open').first().click();
    await page.getByTestId('hazard-promote').click();
    // A certificate alert has no default category: the regulator picks one.
    await pickOption(page, page.getByTestId('hazard-promote-category'), '无证焊接');
    await page.screenshot({ path: join(shots, '59-alert-to-hazard.png'), fullPage: true });
    await page.getByTestId('hazard-promote-submit').click();
    // A refusal shows as a toast: fail with its words rather than a timeout waiting for the link.
    const promoted = page.getByTestId('hazard-promoted-link');
    const refused = page.locator('.ant-message-error');
    await promoted.or(refused).first().waitFor();
    assert.equal(await refused.count(), 0, `promoting was refused: ${await refused.allInnerTexts()}`);
    await promoted.click();
    await page.waitForURL(/\/console\/hazards\?open=/);
    const id = new URL(page.url()).searchParams.get('open');
    assert.ok(id);
    await stateIs(page, '待交办');
    const detail = page.getByTestId('hazard-detail');
    assert.match(await detail.innerText(), /线上巡查/);
    await assertReadable(page, 'the new hazard');
    await page.screenshot({ path: join(shots, '60-hazard-from-alert.png'), fullPage: true });
    // The hazard links back to the alert it came from.
    await detail.getByTestId('hazard-source-alert').click();
    await page.getByTestId('alert-detail').getByTestId('hazard-promoted-link').waitFor();
    await page.getByTestId('alert-detail').locator('.ant-drawer-close').click();

    // 2. 责令限期整改 with a deadline a week ahead.
    const deadline = new Date(Date.now() + 7 * 86_400_000);
    const pad = (n) => String(n).padStart(2, '0');
    const typed = `${deadline.getFullYear()}-${pad(deadline.getMonth() + 1)}-${pad(deadline.getDate())} 18:00`;
    const picker = page.getByTestId('hazard-step-form').locator('.ant-picker input').first();
    await picker.click();
    await picker.fill(typed);
    await picker.press('Enter');
    await page.getByTestId('hazard-note').fill('责令7日内完成整改并上传整改照片');
    await page.getByTestId('hazard-act-order').click();
    await stateIs(page, '限期整改中');
    await page.screenshot({ path: join(shots, '61-hazard-ordered.png'), fullPage: true });

    // 3. 恒达: reports the rectification with a photo, and files a self-inspection finding of its own.
    const enterprise = await session('hengda.admin', /\/workspace\/overview/);
    page = enterprise.page;
    await page.goto(`/workspace/hazards?open=${id}`);
    await stateIs(page, '限期整改中');
    await page.getByTestId('hazard-note').fill('已更换合格焊机并加芯赋码，整改照片见附件');
    await page
      .getByTestId('hazard-rectify-photos')
      .setInputFiles({ name: '整改后.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('hazard-act-rectify').click();
    await stateIs(page, '待核查');
    await page.getByTestId('hazard-photos').locator('img').first().waitFor();
    await page.screenshot({ path: join(shots, '62-hazard-rectified-enterprise.png'), fullPage: true });
    await page.keyboard.press('Escape');

    await page.getByTestId('hazard-create').click();
    await pickOption(page, page.getByTestId('hazard-form-category'), '消防器材缺失');
    await page.getByTestId('hazard-form-description').fill('2号车间动火点未配置灭火器（企业自查）');
    await page
      .getByTestId('hazard-form-photos')
      .setInputFiles({ name: '自查.png', mimeType: 'image/png', buffer: PNG });
    await page.screenshot({ path: join(shots, '63-hazard-self-inspection-form.png'), fullPage: true });
    await page.getByTestId('hazard-form-submit').click();
    await stateIs(page, '待交办');
    assert.match(await page.getByTestId('hazard-detail').innerText(), /企业自查/);
    await page.keyboard.press('Escape');
    await page.getByTestId('hazards-table').locator('tr', { hasText: '企业自查' }).first().waitFor();
    assert.deepEqual(enterprise.errors, []);
    await enterprise.context.close();

    // 4. 会亭镇 verifies on site; having handled it, it may not sign it off.
    page = township.page;
    await page.goto(`/console/hazards?open=${id}`);
    await stateIs(page, '待核查');
    await page.getByTestId('hazard-note').fill('现场复查：已整改到位');
    await page.getByTestId('hazard-act-verify').click();
    await stateIs(page, '待销号');
    await page.getByTestId('hazard-blocked').waitFor();
    assert.equal(await page.getByTestId('hazard-act-signoff').count(), 0);
    await page.screenshot({ path: join(shots, '64-hazard-verified-handler-blocked.png'), fullPage: true });
    assert.deepEqual(township.errors, []);
    await township.context.close();

    // 5. The county signs it off (销号): the timeline holds every step with who and when.
    const county = await session('xiayi.regulator', /\/console\/overview/);
    page = county.page;
    await page.goto(`/console/hazards?open=${id}`);
    await stateIs(page, '待销号');
    await page.getByTestId('hazard-note').fill('审核同意销号');
    await page.getByTestId('hazard-act-signoff').click();
    await stateIs(page, '已销号');
    const timeline = await page.getByTestId('hazard-timeline').innerText();
    for (const step of ['登记隐患', '责令限期整改', '报告整改', '核查通过', '审核销号'])
      assert.ok(timeline.includes(step), `${step} in the timeline: ${timeline}`);
    assert.ok(timeline.includes(`${typed.slice(0, 10)} 18:00`), `the deadline as typed: ${timeline}`);
    for (const who of ['会亭镇安监站', '恒达钢结构安全科', '夏邑县应急管理局'])
      assert.ok(timeline.includes(who), `${who} in the timeline`);
    await assertReadable(page, 'the signed-off hazard');
    await page.screenshot({ path: join(shots, '65-hazard-signed-off.png'), fullPage: true });
    // 执法文书: the order and the review opinion download as PDF, named in Chinese.
    await page.getByTestId('hazard-documents').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '65b-hazard-documents.png') });
    for (const [button, title] of [
      ['hazard-doc-order', '责令限期整改指令书'],
      ['hazard-doc-review', '整改复查意见书'],
    ]) {
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()]);
      assert.ok(pdf.suggestedFilename().startsWith(title), `${title}: ${pdf.suggestedFilename()}`);
      assert.match(pdf.suggestedFilename(), /\.pdf$/);
      const bytes = await readFile(await pdf.path());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    }
    await page.keyboard.press('Escape');

    // The register with its filters, and the slow-progress list.
    await pickOption(page, page.getByTestId('hazards-state-filter'), '已销号');
    await pickOption(page, page.getByTestId('hazards-enterprise-filter'), '恒达');
    await page.getByTestId('hazards-table').locator('tr', { hasText: '恒达' }).first().waitFor();
    await page.locator('h2', { hasText: '隐患台账' }).click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(shots, '66-hazard-register.png'), fullPage: true });
    await page.getByTestId('hazards-tab-slow').click();
    await page.getByTestId('hazards-slow-table').waitFor();
    await page.screenshot({ path: join(shots, '67-hazard-slow-progress.png'), fullPage: true });

    const audit = await apiGet(
      server.baseUrl,
      await apiLogin(server.baseUrl, 'xiayi.regulator'),
      `/api/audit?entityId=${id}`,
    );
    const actions = audit.items.map((e) => e.action);
    for (const a of ['hazard.create', 'hazard.order', 'hazard.rectify', 'hazard.verify', 'hazard.sign_off'])
      assert.ok(actions.includes(a), `${a} audited: ${actions}`);
    assert.deepEqual(county.errors, []);
    await county.context.close();
  });

  it('two regulators promote one alert: the second is told, and the button gives way to the first hazard', async () => {
    const token = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const alerts = await apiGet(server.baseUrl, token, '/api/alerts?state=open&pageSize=100');
    const taken = new Set(
      (await apiGet(server.baseUrl, token, '/api/hazards?pageSize=100')).items.map((h) => h.sourceAlertId),
    );
    const alert = alerts.items.find((a) => a.enterpriseId && a.type.startsWith('CERTIFICATE_') && !taken.has(a.id));
    assert.ok(alert, 'an open certificate alert that is not yet a hazard');

    const county = await session('xiayi.regulator', /\/console\/overview/);
    const { page } = county;
    await page.goto(`/console/alerts?state=open&enterpriseId=${alert.enterpriseId}&type=${alert.type}`);
    await page.locator(`tr[data-row-key="${alert.id}"]`).getByTestId('alert-detail-open').click();
    await page.getByTestId('hazard-promote').click();
    await pickOption(page, page.getByTestId('hazard-promote-category'), '无证焊接');
    // Meanwhile another regulator of the county promotes the same alert.
    const res = await fetch(`${server.baseUrl}/api/hazards/from-alert/${alert.id}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ level: 'general', category: 'unlicensed_welding' }),
    });
    const body = await res.text();
    assert.equal(res.status, 201, body);
    const first = /** @type {{ id: string }} */ (JSON.parse(body));

    await page.getByTestId('hazard-promote-submit').click();
    await page.locator('.ant-message-warning', { hasText: '已由他人转为隐患' }).waitFor();
    const link = page.getByTestId('alert-detail').getByTestId('hazard-promoted-link');
    await link.waitFor();
    assert.equal(await page.getByTestId('hazard-promote').count(), 0, 'the promote button is gone');
    assert.equal(await page.getByTestId('hazard-promote-submit').count(), 0, 'the form is closed');
    assert.match((await link.getAttribute('href')) ?? '', new RegExp(`open=${first.id}`));
    assert.deepEqual(county.errors, []);
    await county.context.close();
  });
});
