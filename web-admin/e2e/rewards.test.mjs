// @ts-check
// Report → reward (issue 15 §4) against the built server with the Xiayi demo data: a citizen reports, 会亭镇
// confirms the report and registers its hazard, the county sets the amount, 会亭镇 proposes the reward, the
// county approves it (the proposer may not), 会亭镇 records the payment; the reporter's phone status page shows
// the paid reward, and another report's code shows none. The regulator's steps go through the API here (the
// console's reward screens are driven in e2e/cases-rewards.test.mjs); the reporter's page is driven in Chromium.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiLogin, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true };

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

async function call(method, path, token, body) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  return { status: res.status, body: json };
}

async function must(method, path, token, body) {
  const r = await call(method, path, token, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function confirmedReport(township, description) {
  const receipt = await must('POST', '/api/public/reports', null, { description, regionCode: '411426100' });
  const list = await must('GET', '/api/reports?pageSize=50', township);
  const report = list.items.find((r) => r.trackingCode === receipt.trackingCode);
  assert.ok(report, 'the township lists the new report');
  for (const to of ['verifying', 'verified'])
    await must('POST', `/api/reports/${report.id}/transition`, township, { to, note: '现场核实属实' });
  return { id: report.id, code: receipt.trackingCode, display: receipt.displayCode ?? receipt.trackingCode };
}

describe('report → reward → approve → paid → the reporter sees it', () => {
  it('pays the reward of a confirmed report and shows it only with its own tracking code', async () => {
    const township = await apiLogin(server.baseUrl, 'huiting.regulator');
    const county = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const steel = (await must('GET', `/api/enterprises?q=${encodeURIComponent('恒达')}`, township)).items[0];

    const mine = await confirmedReport(township, '会亭镇工业园恒达厂区有人无证焊接钢架');
    const other = await confirmedReport(township, '会亭镇另一处有人焊接，未见监护人');
    await must('POST', `/api/hazards/from-report/${mine.id}`, township, {
      category: 'unlicensed_welding',
      level: 'general',
      enterpriseId: steel.id,
    });
    await must('PUT', '/api/rewards/rules', county, {
      category: 'unlicensed_welding',
      level: 'general',
      amountYuan: 500,
    });
    const proposed = await must('POST', '/api/rewards', township, { reportId: mine.id });
    assert.equal(proposed.amountYuan, 500);
    const self = await call('POST', `/api/rewards/${proposed.id}/approve`, township);
    assert.equal(self.status, 403, 'the proposer may not approve');
    await must('POST', `/api/rewards/${proposed.id}/approve`, county);
    await must('POST', `/api/rewards/${proposed.id}/pay`, township, {
      paidAt: new Date().toISOString(),
      paymentReference: 'WX20261206-0001',
    });

    const context = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/report/status?code=${mine.code.toLowerCase()}`);
    const reward = page.getByTestId('status-reward');
    await reward.waitFor();
    const text = (await reward.textContent()) ?? '';
    assert.match(text, /奖励 500 元已于 .+ 发放/);
    assert.ok(!(await page.content()).includes('WX20261206'), 'the payment reference is not shown to the reporter');
    await page.screenshot({ path: join(shots, '70-public-report-reward-paid.png'), fullPage: true });

    await page.goto(`/report/status?code=${other.code}`);
    await page.getByTestId('status-result').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByTestId('status-reward').count(), 0, "another report shows no one else's reward");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
