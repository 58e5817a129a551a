// @ts-check
// Hazard statistics and the regulator's day (issue 15 §5) in headless Chromium against the built server with
// the Xiayi demo data and its spread (two overdue hazards, two signed off, one awaiting the county's sign-off,
// a fined case, a paid reward): the county lands on its to-do list with the overdue items, signs off the
// verified hazard from there; the statistics page shows the seeded numbers, a cell opens the hazard list
// filtered to it, and the export downloads a workbook; 恒达 sees its deadlines with the overdue one prominent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const RAW =
  /[0-9a-f]{8}-[0-9a-f]{4}-|\b(signed_off|self_inspection|public_report|platform_alert|ordered|verified|major|general)\b/;

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
  const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl, acceptDownloads: true });
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

/** The number a statistic card shows. */
async function figure(page, testId) {
  return (await page.getByTestId(testId).locator('.ant-statistic-content').innerText()).trim();
}

describe('hazard statistics and the regulator’s day', () => {
  it('lands the county on its day, signs off from there, and drills the statistics down to the list', async () => {
    const { context, page, errors } = await session('xiayi.regulator', /\/console\/overview/);

    // 今日待办: the two overdue items (宏远's major one among them) and the verified one to sign off.
    const overdue = page.getByTestId('today-overdue');
    await overdue.getByTestId('today-overdue-item').first().waitFor();
    assert.equal(await overdue.getByTestId('today-overdue-item').count(), 2);
    const overdueText = await overdue.innerText();
    assert.match(overdueText, /夏邑县宏远农机制造厂/);
    assert.match(overdueText, /改装焊机/);
    const signOff = page.getByTestId('today-sign-off');
    assert.equal(await signOff.getByTestId('today-sign-off-item').count(), 1);
    const panel = await page.getByTestId('today-panel').innerText();
    assert.ok(!RAW.test(panel), `the day shows a raw code: ${panel.match(RAW)?.[0]}`);
    await page.screenshot({ path: join(shots, '85-today.png'), fullPage: true });

    // An overdue item opens its record.
    await overdue.getByTestId('today-overdue-item').filter({ hasText: '宏远' }).click();
    await page.waitForURL(/\/console\/hazards\?open=/);
    await page.getByTestId('hazard-detail').getByText('夏邑县宏远农机制造厂').first().waitFor();
    await page.keyboard.press('Escape');

    // The county signs off the hazard 会亭镇 verified (a second regulator: 会亭镇 handled it).
    await page.goto('/console/overview');
    await page.getByTestId('today-sign-off-item').click();
    await page.waitForURL(/\/console\/hazards\?open=/);
    const detail = page.getByTestId('hazard-detail');
    await detail.getByTestId('hazard-state').filter({ hasText: '待销号' }).waitFor();
    await page.getByTestId('hazard-note').fill('审核同意销号');
    await page.getByTestId('hazard-act-signoff').click();
    await detail.getByTestId('hazard-state').filter({ hasText: '已销号' }).waitFor();
    await page.keyboard.press('Escape');

    // The statistics: 7 hazards (6 of the register, 1 from the confirmed report), 2 overdue, 3 signed off now.
    await page.goto('/console/hazard-statistics');
    await page.getByTestId('hazard-stats-table').locator('tr.ant-table-row').first().waitFor();
    await page.getByTestId('hazard-stats-total').filter({ hasText: '7' }).waitFor();
    assert.equal(await figure(page, 'hazard-stats-total'), '7');
    assert.equal(await figure(page, 'hazard-stats-major'), '1');
    assert.equal(await figure(page, 'hazard-stats-overdue'), '2');
    assert.equal(await figure(page, 'hazard-stats-signed-off'), '3');
    const table = page.getByTestId('hazard-stats-table');
    const huiting = table.locator('tr.ant-table-row', { hasText: '会亭镇' });
    assert.match(await huiting.innerText(), /金属制品业/);
    assert.equal((await page.getByTestId('cell-411426100-total').innerText()).trim(), '5');
    assert.equal((await page.getByTestId('cell-411426101-total').innerText()).trim(), '1');
    await page.getByTestId('hazard-stats-bySource').locator('canvas').first().waitFor();
    const whole = await page.getByTestId('hazard-statistics-page').innerText();
    assert.ok(!RAW.test(whole), `the statistics show a raw code: ${whole.match(RAW)?.[0]}`);
    await page.screenshot({ path: join(shots, '84-hazard-statistics.png'), fullPage: true });

    // Export: a workbook of the table.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('hazard-stats-export').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = await download.path();
    assert.ok(file, 'the download was saved');
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');

    // Drill-down: 会亭镇 × 金属制品业 opens the register filtered to exactly those 5 hazards.
    await page.getByTestId('cell-411426100-total').click();
    await page.waitForURL(/\/console\/hazards\?.*industry=/);
    await page.getByTestId('hazards-industry-filter').waitFor();
    const rows = page.getByTestId('hazards-table').locator('tr.ant-table-row');
    await rows.first().waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="hazards-table"] tr.ant-table-row').length === 5,
    );
    for (const text of await rows.allInnerTexts()) assert.match(text, /恒达/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows the enterprise its deadlines, the overdue one prominent', async () => {
    const { context, page, errors } = await session('hengda.admin', /\/workspace\/overview/);
    await page.goto('/workspace/hazards');
    await page.getByTestId('hazards-overdue-banner').waitFor();
    assert.match(await page.getByTestId('hazards-overdue-banner').innerText(), /1 条隐患已超过整改期限/);
    const deadlines = await page.getByTestId('hazard-deadline').allInnerTexts();
    assert.ok(
      deadlines.some((d) => /已逾期 \d+ 天/.test(d)),
      `an overdue deadline: ${deadlines.join(' | ')}`,
    );
    assert.ok(
      deadlines.some((d) => /剩余 \d+ 天/.test(d)),
      `a deadline ahead: ${deadlines.join(' | ')}`,
    );
    await page.screenshot({ path: join(shots, '86-workspace-hazard-deadlines.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
