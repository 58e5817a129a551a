// @ts-check
// 双随机一公开 (issue 15 §2, planning) in headless Chromium against the built server with the Xiayi demo data:
// the county regulator plans inspections for 夏邑县 with a seed of its own; the draw appears with the seed,
// the enterprises drawn and two inspectors each; the public page (no log-in, on a phone) shows the same
// draw, says that re-running it gives the same result, and names no inspector.
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

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true };
const RAW = /[0-9a-f]{8}-[0-9a-f]{4}-/;

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

describe('inspection plans: 双随机 draw and its public page', () => {
  it('the county draws a plan with a recorded seed; anyone re-checks it on a phone without personal data', async () => {
    const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/login');
    await page.getByTestId('username').fill('xiayi.regulator');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/console\/overview/);

    await page.goto('/console/inspections');
    await page.getByTestId('plan-new').click();
    const form = page.getByTestId('plan-form');
    await form.getByLabel('计划名称').fill('2026年12月夏邑县焊接作业双随机抽查');
    await pickOption(page, form.locator('.ant-form-item', { hasText: '区域' }).locator('.ant-select'), '夏邑县');
    await form.getByPlaceholder('开始日期').click();
    await form.getByPlaceholder('开始日期').fill('2026-12-07');
    await form.getByPlaceholder('结束日期').fill('2026-12-31');
    await form.getByPlaceholder('结束日期').press('Enter');
    await form.getByLabel('抽取企业数').fill('2');
    await form.getByLabel('随机种子').fill('xiayi-2026-12-e2e');
    await page.screenshot({ path: join(shots, '68-inspection-plan-form.png'), fullPage: true });
    await page.getByRole('button', { name: '随机抽取' }).click();

    const detail = page.getByTestId('plan-detail');
    await detail.waitFor();
    assert.equal(await detail.getByTestId('plan-seed').innerText(), 'xiayi-2026-12-e2e');
    const rows = detail.getByTestId('plan-targets').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    const detailText = await detail.innerText();
    assert.ok(!RAW.test(detailText), `the plan shows a raw id: ${detailText.match(RAW)?.[0]}`);
    await page.screenshot({ path: join(shots, '69-inspection-plan-drawn.png'), fullPage: true });

    // The draw as the server recorded it: enterprises and inspector names (for the privacy check below).
    const token = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const plans = await apiGet(server.baseUrl, token, '/api/inspection-plans');
    const plan = await apiGet(server.baseUrl, token, `/api/inspection-plans/${plans.items[0].id}`);
    assert.equal(plan.seed, 'xiayi-2026-12-e2e');

    // 现场检查: the county's pool is its two regulators, so the planner is one of the two drawn for target 1.
    // Once checked in, the 现场检查记录 downloads as PDF from the plan (opened by the link its QR code carries).
    const checkIn = await fetch(`${server.baseUrl}/api/inspection-plans/${plan.id}/targets/1/check-in`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ latitude: 34.1722, longitude: 116.0013 }),
    });
    assert.equal(checkIn.status, 200, await checkIn.text());
    await page.goto(`/console/inspections?open=${plan.id}`);
    const record = page.getByTestId('plan-target-record-1');
    await record.waitFor();
    assert.equal(await page.getByTestId('plan-target-record-2').count(), 0);
    const [pdf] = await Promise.all([page.waitForEvent('download'), record.click()]);
    assert.ok(pdf.suggestedFilename().startsWith('现场检查记录'), pdf.suggestedFilename());
    assert.equal((await readFile(await pdf.path())).subarray(0, 5).toString(), '%PDF-');
    await page.screenshot({ path: join(shots, '69b-inspection-record-download.png'), fullPage: true });

    // 一公开: a phone, no log-in.
    const phone = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
    phone.setDefaultTimeout(20_000);
    const pub = await phone.newPage();
    pub.on('pageerror', (e) => errors.push(e.message));
    await pub.goto(`/inspections/plans/${plan.id}`);
    await pub.getByTestId('public-reproducible').waitFor();
    assert.equal(await pub.getByTestId('public-seed').innerText(), 'xiayi-2026-12-e2e');
    const targets = await pub.getByTestId('public-targets').innerText();
    for (const t of plan.targets) assert.ok(targets.includes(t.enterpriseName), `${t.enterpriseName} is published`);
    const text = await pub.getByTestId('public-plan').innerText();
    for (const person of plan.inspectorPool) assert.ok(!text.includes(person.displayName), 'no inspector named');
    assert.ok(!RAW.test(text), 'no raw id on the public page');
    await pub.screenshot({ path: join(shots, '70-inspection-plan-public-phone.png'), fullPage: true });
    // English too.
    await pub.getByTestId('lang-switch').getByText('EN').click();
    await pub.getByText('Re-drawn from the published seed and inputs: the same result').waitFor();
    assert.deepEqual(errors, []);
    await phone.close();
    await context.close();
  });
});
