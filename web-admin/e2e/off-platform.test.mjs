// @ts-check
// The off-platform audit (issue 15 §0) in headless Chromium against the built server with the Xiayi demo data:
// every demo machine is unchipped and 孙磊 holds no certificate, so the ranking, the silent-machine list and the
// uncertified-welder list have rows. Each tab is read for raw codes and UUIDs, rows open the machine, the welder
// and the enterprise, the township filter narrows, and the export downloads. Screenshots of each tab.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiGet,
  apiLogin,
  DEMO_PASSWORD,
  ensureScreenshotDir,
  launchBrowser,
  startServer,
  submitModalTo,
} from './harness.mjs';

const DESKTOP = { viewport: { width: 1440, height: 900 }, baseURL: '', acceptDownloads: true };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const RAW_CODE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|offPlatform\./;

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

async function logIn(page, username) {
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/console\/overview/);
}

async function settled(page) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page
    .locator('.ant-spin-spinning')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

const TABS = [
  ['ranking', '嫌疑排名'],
  ['silent-machines', '未加芯·不上线'],
  ['unpermitted-machines', '无票在线·无授权起弧'],
  ['empty-enterprises', '无机无人单位'],
  ['uncertified-welders', '无证在岗焊工'],
  ['review-due-certificates', '待复审证书'],
  ['idle-permits', '票内不焊·别处起弧'],
  ['reported-enterprises', '群众举报'],
  ['found-unregistered-machines', '现场发现无码焊机'],
];

/** Closes the open drawer with its close button and waits until it is gone. */
async function closeDrawer(page) {
  await page.locator('.ant-drawer-open .ant-drawer-close').first().click();
  await page
    .locator('.ant-drawer-open')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

describe('off-platform audit (county regulator, desktop, zh-CN)', () => {
  it('tabs per list and the ranking, in Chinese, with click-through, township filter and export', async () => {
    const token = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const ranking = await apiGet(server.baseUrl, token, '/api/off-platform/ranking?pageSize=200');
    assert.ok(ranking.total > 0, 'the demo has suspects (unchipped machines, a welder without certificate)');
    const top = ranking.items[0];

    const context = await browser.newContext({ ...DESKTOP, locale: 'zh-CN', baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, 'xiayi.regulator');
    await page.goto('/console/off-platform');
    await page.getByTestId('off-platform-page').waitFor();

    // The ranking: the API's first enterprise first, with its score and the signals that made it.
    await page.getByTestId('list-ranking').locator('tr.ant-table-row').first().waitFor();
    await settled(page);
    const first = (await page.getByTestId('list-ranking').locator('tr.ant-table-row').first().textContent()) ?? '';
    assert.ok(first.includes(top.enterpriseName), first);
    assert.ok(first.includes(String(top.score)), first);
    const signal = top.signals[0];
    assert.ok(first.includes(`${signal.count} 项，+${signal.points} 分`), first);
    // The default look-back's ranking comes from the signals counted at start-up: the page says when.
    assert.ok(top.countedAt, 'the ranking says when its signals were counted');
    const counted = (await page.getByTestId('ranking-counted-at').textContent()) ?? '';
    assert.match(counted, /^名次统计于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（/);
    await page.screenshot({ path: join(shots, '60-off-platform-ranking.png'), fullPage: true });

    // Every tab renders in Chinese: no raw code, no UUID, no missing key.
    for (const [key, label] of TABS) {
      await page.getByRole('tab', { name: label }).click();
      await page.getByTestId(`list-${key}`).waitFor();
      await settled(page);
      const text = await page.getByTestId('off-platform-page').innerText();
      assert.ok(!UUID.test(text), `${key}: UUID shown`);
      const raw = text.match(RAW_CODE);
      assert.equal(raw, null, `${key}: raw code ${raw?.[0]}`);
      await page.screenshot({ path: join(shots, `61-off-platform-${key}.png`), fullPage: true });
    }

    // Silent machines: the demo's unchipped machines; a click opens the machine's timeline.
    await page.getByRole('tab', { name: '未加芯·不上线' }).click();
    await page.waitForURL(/tab=silent-machines/);
    const machineRow = page
      .getByTestId('list-silent-machines')
      .locator('tr.ant-table-row', { hasText: '未加芯' })
      .first();
    await machineRow.waitFor();
    // The default look-back's machines were judged with the ranking: the page says when.
    const judged = (await page.getByTestId('list-judged-at').textContent()) ?? '';
    assert.match(judged, /^名单判定于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（/);
    await machineRow.getByTestId('open-machine').click();
    // The timeline loads after the drawer opens: wait for its chip state rather than reading it at once.
    await page.locator('.ant-drawer-open').first().getByText('未加芯').first().waitFor();
    await closeDrawer(page);

    // The enterprise opens from its name.
    await machineRow.getByTestId('open-enterprise').click();
    const ent = page.getByTestId('enterprise-drawer');
    await ent.getByText('统一社会信用代码').waitFor();
    await ent.getByText('登记焊机').waitFor();
    await page.waitForTimeout(400); // the drawer's slide-in
    await page.screenshot({ path: join(shots, '62-off-platform-enterprise.png'), fullPage: true });
    const industry = await ent.locator('.ant-descriptions-item-content').nth(1).innerText();
    assert.ok(['金属制品业', '建筑业', '专用设备制造业'].includes(industry.trim()), industry);
    await closeDrawer(page);

    // Welders without a valid certificate: 孙磊 (none); the welder's record opens.
    // A list is linked to by its tab in the address.
    await page.goto('/console/off-platform?tab=uncertified-welders');
    const sun = page.getByTestId('list-uncertified-welders').locator('tr.ant-table-row', { hasText: '孙磊' });
    await sun.waitFor();
    const sunText = (await sun.textContent()) ?? '';
    assert.ok(sunText.includes('无证'), sunText);
    await sun.getByTestId('open-welder').click();
    await page.locator('.ant-drawer-open', { hasText: '孙磊' }).first().waitFor();
    await closeDrawer(page);

    // 转为隐患: the row becomes a finding in the hazard register, with the welder and a first description.
    await sun.getByTestId('to-hazard').click();
    const form = page.getByTestId('hazard-form');
    await form.waitFor();
    assert.equal(await page.getByTestId('hazard-form-category').innerText(), '无证焊接');
    assert.ok((await page.getByTestId('hazard-form-description').inputValue()).includes('孙磊'));
    await submitModalTo(page, page.getByTestId('hazard-form-submit'), /\/console\/hazards\?open=/);
    const hazardId = new URL(page.url()).searchParams.get('open');
    const hazard = await apiGet(server.baseUrl, token, `/api/hazards/${hazardId}`);
    assert.equal(hazard.category, 'unlicensed_welding');
    assert.equal(hazard.source, 'inspection');
    assert.ok(hazard.welderId, 'the welder is named on the hazard');
    await page.locator('.ant-drawer-open', { hasText: '无证焊接' }).first().waitFor();
    await page.screenshot({ path: join(shots, '63b-off-platform-to-hazard.png'), fullPage: true });
    await closeDrawer(page);

    // 列为检查对象: the same suspect becomes a targeted inspection; its two inspectors are drawn, nothing is published.
    await page.goto('/console/off-platform?tab=uncertified-welders');
    const sunAgain = page.getByTestId('list-uncertified-welders').locator('tr.ant-table-row', { hasText: '孙磊' });
    await sunAgain.waitFor();
    await sunAgain.getByTestId('to-inspection').click();
    const targetForm = page.getByTestId('target-form');
    await targetForm.waitFor();
    assert.ok((await targetForm.locator('textarea').inputValue()).includes('孙磊'));
    await submitModalTo(page, page.locator('.ant-modal-footer .ant-btn-primary'), /\/console\/inspections\?open=/);
    const planId = new URL(page.url()).searchParams.get('open');
    const plan = await apiGet(server.baseUrl, token, `/api/inspection-plans/${planId}`);
    assert.equal(plan.kind, 'targeted');
    assert.equal(plan.targets.length, 1);
    assert.equal(plan.source.list, 'uncertified-welders');
    assert.equal(plan.targets[0].inspectors.length, 2);
    const kind = page.getByTestId('plan-kind');
    await kind.waitFor();
    assert.equal(await kind.innerText(), '定向检查');
    assert.equal(await page.getByTestId('plan-public-link').count(), 0);
    await page.screenshot({ path: join(shots, '63c-off-platform-to-inspection.png'), fullPage: true });
    await closeDrawer(page);

    // The township filter: 会亭镇 holds 恒达 only, not 宏远 (马头镇).
    await page.goto('/console/off-platform?tab=silent-machines');
    await page.getByTestId('list-silent-machines').locator('tr.ant-table-row').first().waitFor();
    await settled(page);
    const before = (await page.getByTestId('list-silent-machines').innerText()) ?? '';
    assert.ok(before.includes('夏邑县宏远农机制造厂'), 'county sees 马头镇');
    await page.locator('.toolbar .ant-select').first().click();
    await page.keyboard.type('会亭');
    await page.locator('.ant-select-item-option', { hasText: '会亭镇' }).first().click();
    await settled(page);
    const after = (await page.getByTestId('list-silent-machines').innerText()) ?? '';
    assert.ok(after.includes('夏邑县恒达钢结构有限公司'), after);
    assert.ok(!after.includes('夏邑县宏远农机制造厂'), after);

    // Export of the filtered tab.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);

    assert.deepEqual(errors, []);
    await context.close();
  });

  it('reads in English too', async () => {
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.addInitScript(() => window.localStorage.setItem('arcgate.lang', 'en'));
    await logIn(page, 'huiting.regulator');
    await page.goto('/console/off-platform');
    await page.getByTestId('list-ranking').locator('tr.ant-table-row').first().waitFor();
    await settled(page);
    const text = await page.getByTestId('off-platform-page').innerText();
    assert.ok(text.includes('Off-platform welding audit') && text.includes('Breakdown'), text.slice(0, 300));
    // Chinese only in the data (names, townships, industries), never in the labels.
    assert.ok(/Machines not chipped: \d+, \+\d+/.test(text), text.slice(0, 600));
    assert.ok(!UUID.test(text));
    assert.equal(text.match(RAW_CODE), null);
    await page.screenshot({ path: join(shots, '63-off-platform-ranking-en.png'), fullPage: true });
    await context.close();
  });
});
