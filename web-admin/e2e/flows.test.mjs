// @ts-check
// Browser end-to-end flows against the real built server with the Xiayi demo data, in headless
// Chromium. Every main page is saved to test-artifacts/screenshots/. Run: npm run test:e2e -w web-admin
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiGet, apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN' };
/** 会亭镇, next to the 恒达 works. */
const SITE = { latitude: 34.1722, longitude: 116.0013 };
const STEEL_MACHINE = { serial: 'SD-WS400-240101', name: '1号车间氩弧焊机', owner: '夏邑县恒达钢结构有限公司' };

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();
const pageErrors = [];
const shared = { machineCode: '', machineQrPng: Buffer.alloc(0), trackingCode: '' };

/** A context per role, so log-ins never share storage; uncaught page errors fail the run. */
async function open(options) {
  const context = await browser.newContext({ ...options, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  return { context, page };
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Loading states (spinners, skeletons) are tested by their own pages; screenshots show the loaded page.
  await page
    .locator('.ant-spin-spinning, .ant-skeleton-active')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  // Sticky headers would otherwise be painted wherever the page happens to be scrolled.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function logIn(page, username) {
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** As an enterprise user, on one of its workspace pages. */
async function workspacePage(page, path) {
  await logIn(page, 'hengda.admin');
  await page.waitForURL(/\/workspace\/overview/);
  await page.goto(path);
}

/** Confirms a dialog and waits for its success message; a refusal (the dialog stays open) is named, not timed out on. */
async function submitDialog(page, dialog, success) {
  await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
  const refused = page.locator('.ant-form-item-explain-error, .ant-message-error').first();
  await Promise.race([
    page.getByText(success).first().waitFor(),
    refused.waitFor().then(async () => assert.fail(`refused: ${await refused.textContent()}`)),
  ]);
  await dialog.waitFor({ state: 'hidden' });
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const admin = await apiLogin(server.baseUrl, 'admin');
  const machines = await apiGet(server.baseUrl, admin, '/api/machines?pageSize=200');
  const machine = machines.items.find((m) => m.serialNumber === STEEL_MACHINE.serial);
  assert.ok(machine, 'demo machine seeded');
  shared.machineCode = (await apiGet(server.baseUrl, admin, `/api/codes/machines/${machine.id}`)).code;
  shared.machineQrPng = await apiGet(server.baseUrl, admin, `/api/codes/machines/${machine.id}/qr.png`);
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) console.log(server.log());
    await server.stop();
  }
});

describe('public (phone, no log-in)', () => {
  it('scans a registered machine code at /q/<code>', async () => {
    const { context, page } = await open(PHONE);
    await page.goto(`/q/${shared.machineCode}`);
    await page.getByTestId('scan-machine').waitFor();
    assert.equal(await page.getByTestId('scan-verdict').textContent(), '已在平台登记');
    assert.equal(await page.getByTestId('scan-owner').textContent(), STEEL_MACHINE.owner);
    // The demo data has no hot-work permit in force, so the machine must not be shown as authorised.
    assert.equal(await page.getByTestId('scan-authorised').textContent(), '当前未获准作业');
    assert.ok((await page.getByTestId('scan-machine').textContent())?.includes(STEEL_MACHINE.name));
    await shot(page, '01-public-scan-machine');

    // One changed character: the signature no longer matches.
    const c = shared.machineCode;
    const forged = c.slice(0, 8) + (c[8] === 'A' ? 'B' : 'A') + c.slice(9);
    await page.goto(`/q/${forged}`);
    await page.getByTestId('scan-forged').waitFor();
    assert.ok((await page.getByTestId('scan-forged').textContent())?.includes('伪造或被篡改'));
    await shot(page, '02-public-scan-forged');

    await page.goto('/q/hello');
    await page.getByTestId('scan-malformed').waitFor();
    await context.close();
  });

  it('reports suspected illegal welding with a photo and location and gets a tracking code', async () => {
    const { context, page } = await open({ ...PHONE, geolocation: SITE, permissions: ['geolocation'] });
    await page.goto(`/q/${shared.machineCode}`);
    await page.getByTestId('report-button').click();
    await page.waitForURL(/\/report\?code=/);
    assert.equal(await page.getByTestId('report-machine-code').textContent(), shared.machineCode);

    // Empty description: the form says so before anything is sent.
    await page.getByTestId('report-submit').click();
    await page.getByText('请描述看到的情况').waitFor();

    await page.getByTestId('report-description').fill('厂房外有人夜间焊接钢架，无人监护，旁边堆着纸箱');
    await page
      .getByTestId('report-photo-input')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: shared.machineQrPng });
    await page.locator('.m-photo img').first().waitFor();
    await page.getByTestId('report-locate').click();
    await page.getByTestId('report-fix').waitFor();
    await page.getByTestId('report-contact').fill('13912345678');
    await shot(page, '03-public-report-form');

    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    const display = (await page.getByTestId('tracking-code').textContent()) ?? '';
    assert.match(display, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    shared.trackingCode = display.replace('-', '');
    await shot(page, '04-public-report-done');

    await page.goto(`/report/status?code=${display.toLowerCase()}`);
    await page.getByTestId('status-result').waitFor();
    assert.ok((await page.getByTestId('status-current').textContent())?.includes('已受理'));
    await shot(page, '05-public-report-status');

    await page.goto('/report/status?code=ZZZZZZZZZZ');
    await page.getByTestId('status-not-found').waitFor();
    await context.close();
  });
});

describe('regulator (desktop)', () => {
  it('logs in, sees the overview and the new report, and starts checking it', async () => {
    const { context, page } = await open(DESKTOP);
    await page.goto('/login');
    await page.getByTestId('login-submit').waitFor();
    await shot(page, '06-login');
    await logIn(page, 'huiting.regulator');
    await page.waitForURL(/\/console\/overview/);
    await page.getByText('底数总览').first().waitFor();
    // The registry comes from the pre-aggregated census (counted at start-up): the page says how old it is.
    const asOf = await page.getByTestId('overview-census-as-of').textContent();
    assert.match(asOf ?? '', /底数统计于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?，约每 1 分钟更新一次/);
    await shot(page, '07-regulator-overview');

    await page.goto('/console/reports');
    const row = page.getByRole('row').filter({ hasText: shared.trackingCode });
    await row.waitFor();
    assert.ok((await row.textContent())?.includes(STEEL_MACHINE.owner));
    await shot(page, '08-regulator-reports');

    await row.click();
    const drawer = page.getByTestId('report-detail');
    await drawer.waitFor();
    assert.ok((await drawer.textContent())?.includes('139****5678'), 'contact shown masked');
    assert.ok(!(await page.content()).includes('13912345678'), 'contact never shown in full');
    await drawer.locator('.ant-image img').first().waitFor();
    await page.getByTestId('report-to-verifying').click();
    await drawer.getByText('核查中').first().waitFor();
    await shot(page, '09-regulator-report-detail');
    await context.close();
  });
});

describe('enterprise (desktop)', () => {
  it('logs in, sees its machines, and cannot open the report console', async () => {
    const { context, page } = await open(DESKTOP);
    await logIn(page, 'hengda.admin');
    await page.waitForURL(/\/workspace\/overview/);
    await page.getByText('底数总览').first().waitFor();
    await shot(page, '10-enterprise-overview');
    await page.goto('/workspace/machines');
    await page.getByText(STEEL_MACHINE.name).first().waitFor();
    await shot(page, '11-enterprise-machines');
    await page.goto('/console/reports');
    await page.waitForURL(/\/workspace\//);
    await context.close();
  });

  it("edits a machine's rated current (the limit its grants carry)", async () => {
    const { context, page } = await open(DESKTOP);
    await workspacePage(page, '/workspace/machines');
    const row = page.locator('tr', { hasText: '2号车间二保焊机' });
    await row.getByText('500 A').waitFor();
    await row.getByTestId('machine-actions').click();
    await page.getByRole('menuitem', { name: '编辑设备信息' }).click();
    const dialog = page.getByRole('dialog', { name: '编辑设备信息' });
    await dialog.getByTestId('machine-rated-current').fill('350');
    await submitDialog(page, dialog, '已保存');
    await row.getByText('350 A').waitFor();
    const admin = await apiLogin(server.baseUrl, 'admin');
    const machines = await apiGet(server.baseUrl, admin, '/api/machines?pageSize=200');
    assert.equal(machines.items.find((m) => m.name === '2号车间二保焊机').ratedCurrentA, 350);
    await context.close();
  });

  it('ends a dispatched welder engagement early from the welder record', async () => {
    const { context, page } = await open(DESKTOP);
    await workspacePage(page, '/workspace/welders');
    await page.getByText('陈静').first().click();
    const drawer = page.getByTestId('welder-drawer');
    await drawer.getByRole('tab', { name: /用工关系/ }).click();
    await drawer.getByTestId('end-engagement').click();
    const dialog = page.getByRole('dialog', { name: '提前结束用工关系' });
    await submitDialog(page, dialog, '用工关系已结束');
    // Ending today is as early as it goes: no second end button.
    await drawer.getByTestId('end-engagement').waitFor({ state: 'detached' });
    await shot(page, '12-enterprise-engagement-ended');
    const admin = await apiLogin(server.baseUrl, 'admin');
    const welders = await apiGet(server.baseUrl, admin, '/api/welders?pageSize=50');
    const chen = await apiGet(
      server.baseUrl,
      admin,
      `/api/welders/${welders.items.find((w) => w.realName === '陈静').id}`,
    );
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    assert.equal(chen.engagements[0].endsOn, today, 'the engagement ends today (China date)');
    await context.close();
  });
});

describe('welder (phone)', () => {
  it('logs in, shows the badge code, certificates and the start page', async () => {
    const { context, page } = await open({ ...PHONE, geolocation: SITE, permissions: ['geolocation'] });
    await logIn(page, 'welder.zhang');
    await page.waitForURL(/\/w$/);
    const qr = page.getByTestId('badge-qr');
    await qr.waitFor();
    assert.ok(
      await qr.evaluate((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 100),
      'badge QR image loaded',
    );
    assert.match((await page.getByTestId('badge-code').textContent()) ?? '', /^W[0-9A-Z]{21}/);
    assert.match((await page.getByTestId('badge-cert-state').textContent()) ?? '', /有效|90天内到期/);
    await shot(page, '12-welder-badge');

    await page.getByTestId('tab-certificates').click();
    await page.getByTestId('welder-certificates').waitFor();
    assert.ok((await page.getByTestId('welder-certificates').textContent())?.includes('2028-03-01'));
    await shot(page, '13-welder-certificates');

    await page.getByTestId('tab-start').click();
    await page.getByTestId('start-code').fill(`http://example.test/q/${shared.machineCode.toLowerCase()}`);
    await page.getByTestId('start-code-ok').click();
    await page.getByTestId('start-machine').waitFor();
    assert.ok((await page.getByTestId('start-machine').textContent())?.includes(STEEL_MACHINE.name));
    // No permit naming 张伟 is in force in the demo data: the page says so and will not request a start.
    await page.getByTestId('start-permits').getByText('当前没有指定你').waitFor();
    assert.equal(await page.getByTestId('start-request').isDisabled(), true);
    await shot(page, '14-welder-start');
    await context.close();
  });
});

describe('page health', () => {
  it('raised no uncaught errors in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
