// @ts-check
// The overview's map (issue 14 §6), in headless Chromium against the built server with the Xiayi demo data and
// no tile provider configured: the map draws the demo's schematic township boundaries without any tiles, pins
// the scope's machines, open alerts (the start-up certificate scan raises some) and a permit in force, and each
// pin's items open their list, filtered to them.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiGet, apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const require = createRequire(import.meta.url);
const { generateChipKeyPair } = require('@arcgate/protocol');

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
/** A yard of 恒达's away from its registered point, so machine 1 is drawn at its permit's site. */
const YARD = { lat: 34.1752, lng: 116.0061 };
const FULL_CHECKLIST = {
  combustiblesCleared15m: true,
  extinguishersInPlace: true,
  openingsCovered: true,
  equipmentIsolated: true,
  ppeInPlace: true,
};
const SIGNER = { unit_head: 'hengda.foreman', safety_department: 'hengda.safety' };

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();
const tokens = /** @type {Record<string, string>} */ ({});
const fx = { permitId: '', machine1: { id: '', serial: 'SD-WS400-240101', name: '1号车间氩弧焊机' } };

async function api(method, username, path, body) {
  tokens[username] ??= await apiLogin(server.baseUrl, username);
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[username]}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} as ${username}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const machines = await api('GET', 'hengda.admin', '/api/machines?pageSize=50');
  const m1 = machines.items.find((m) => m.serialNumber === fx.machine1.serial);
  fx.machine1.id = m1.id;
  const welders = await api('GET', 'hengda.admin', '/api/welders?pageSize=50');
  const zhang = welders.items.find((w) => w.realName === '张伟');
  const liu = welders.items.find((w) => w.realName === '刘洋');
  // 加芯 for machine 1, then a 二级 permit at the yard, in force now, signed through its chain.
  const chip = generateChipKeyPair();
  await api('POST', 'hengda.admin', `/api/machines/${m1.id}/chip`, { chipId: chip.chip, publicKey: chip.publicKeyRaw });
  const now = Date.now();
  const permit = await api('POST', 'hengda.admin', '/api/permits', {
    level: 'level2',
    workDescription: '堆场钢架补焊',
    site: {
      address: '会亭镇工业园区纬一路8号 堆场',
      point: YARD,
      geofence: { type: 'circle', center: YARD, radiusM: 80 },
    },
    plannedStart: new Date(now - 30_000).toISOString(),
    plannedEnd: new Date(now + 4 * 3_600_000).toISOString(),
    welderIds: [zhang.id],
    machineIds: [m1.id],
    fireWatcher: { personId: liu.id },
    checklist: FULL_CHECKLIST,
  });
  let state = await api('POST', 'hengda.admin', `/api/permits/${permit.id}/submit`);
  while (state.status === 'submitted')
    state = await api('POST', SIGNER[state.approval.nextPosition], `/api/permits/${permit.id}/approve`, {
      remark: '措施落实，同意',
    });
  assert.equal(state.status, 'active');
  fx.permitId = permit.id;
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
  await page.waitForURL(/\/(console|workspace)\/overview/);
}

/** Distinct places of a list, as the map pins them. */
const places = (items) =>
  new Set(items.filter((i) => i.position).map((i) => `${i.position.lat.toFixed(5)},${i.position.lng.toFixed(5)}`)).size;

describe('overview map (county regulator, desktop, no tiles)', () => {
  it('draws the schematic boundaries without tiles, pins machines, alerts and the permit, and clicks through', async () => {
    const token = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const features = await apiGet(server.baseUrl, token, '/api/map/features');
    assert.ok(features.alerts.length > 0, 'the start-up certificate scan raised alerts');
    assert.equal(features.permits.length, 1);
    const m1 = features.machines.find((m) => m.id === fx.machine1.id);
    assert.deepEqual({ source: m1.positionSource, chipped: m1.chipped }, { source: 'permit_site', chipped: true });

    const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const foreign = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.baseUrl) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await logIn(page, 'xiayi.regulator');

    // The numbers paint first; the map (Leaflet, its own chunk) follows.
    await page.getByTestId('stat-machines').waitFor();
    const map = page.getByTestId('overview-map');
    await map.locator('.leaflet-container').waitFor();
    for (const name of ['会亭镇', '马头镇', '孔祖大道街道', '北岭镇'])
      await map.locator('.region-label', { hasText: name }).first().waitFor();
    assert.ok(
      (await map.locator('path.leaflet-interactive, .leaflet-overlay-pane path').count()) >= 13,
      'boundary paths',
    );
    await map.getByTestId('map-schematic').waitFor();
    assert.equal(await map.locator('.leaflet-tile').count(), 0, 'no tiles without a provider');

    // One pin per place of each kind.
    const pins = (kind) => map.locator(`[data-testid="map-pin-${kind}"]`);
    await pins('permit').first().waitFor();
    assert.equal(await pins('machine').count(), places(features.machines));
    assert.equal(await pins('alert').count(), places(features.alerts));
    assert.equal(await pins('permit').count(), 1);
    await page.waitForLoadState('networkidle');
    await map.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '60-overview-map-no-tiles.png'), fullPage: true });
    assert.deepEqual(foreign, [], 'no request leaves the server (no tiles)');

    // The permit pin → its item → the permits list, showing that permit.
    await pins('permit').first().click();
    const details = page.getByTestId('map-details');
    await details.getByText('会亭镇工业园区纬一路8号 堆场').waitFor();
    await details.getByTestId('map-open-permit').click();
    await page.waitForURL(new RegExp(`/console/permits\\?status=active&open=${fx.permitId}`));
    await page.locator('.ant-drawer', { hasText: '堆场钢架补焊' }).first().waitFor();

    // Machine 1 stands at the yard: its pin says where the place comes from and opens the ledger on it.
    await page.goBack();
    await map.locator('.leaflet-container').waitFor();
    const yardPin = pins('machine').and(page.locator(`[data-key="m:${YARD.lat.toFixed(5)},${YARD.lng.toFixed(5)}"]`));
    // At county scale it sits on 恒达's own pin, 300 m away: zoom in on it with the wheel, as a user would.
    await map.scrollIntoViewIfNeeded();
    for (let i = 0; i < 4; i++) {
      const box = await yardPin.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(400);
    }
    await yardPin.click();
    await details.getByText(fx.machine1.name, { exact: false }).first().waitFor();
    assert.match((await details.getByTestId('map-position-source').first().textContent()) ?? '', /最近作业票/);
    await page.screenshot({ path: join(shots, '61-overview-map-machine.png'), fullPage: true });
    await details.getByTestId('map-open-machine').first().click();
    await page.waitForURL(new RegExp(`/console/ledgers/machines\\?q=${fx.machine1.serial}`));
    await page.locator('tr', { hasText: fx.machine1.serial }).first().waitFor();
    assert.equal(await page.locator('tbody tr.ant-table-row').count(), 1);

    // An alert pin → the not-closed alerts of that machine or enterprise.
    await page.goBack();
    await map.locator('.leaflet-container').waitFor();
    await pins('alert').first().click();
    await details.getByTestId('map-open-alert').first().click();
    await page.waitForURL(/\/console\/alerts\?notClosed=true&(machineId|enterpriseId)=/);
    await page.locator('tbody tr.ant-table-row').first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows an enterprise only its own machines', async () => {
    const token = await apiLogin(server.baseUrl, 'hengda.admin');
    const features = await apiGet(server.baseUrl, token, '/api/map/features');
    assert.ok(features.machines.every((m) => m.enterpriseName === '夏邑县恒达钢结构有限公司'));
    const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await logIn(page, 'hengda.admin');
    const map = page.getByTestId('overview-map');
    await map.locator('[data-testid="map-pin-machine"]').first().waitFor();
    assert.equal(await map.locator('[data-testid="map-pin-machine"]').count(), places(features.machines));
    // No reports layer for an enterprise; and in English the map speaks English.
    assert.equal(await map.getByTestId('map-layers').getByText('群众举报').count(), 0);
    await page.getByTestId('lang-switch').getByText('EN').click();
    await map.getByText('Area map').waitFor();
    const legend = (await map.getByTestId('map-legend').textContent()) ?? '';
    for (const text of ['Welding now', 'No chip', 'Open alerts', 'Permits in force', 'Schematic boundaries'])
      assert.ok(legend.includes(text), legend);
    assert.ok(
      !/[\u4e00-\u9fff]{2,}/.test(legend.replace(/夏邑县|恒达/g, '')),
      `no Chinese left in the legend: ${legend}`,
    );
    await map.locator('[data-testid="map-pin-machine"]').first().click();
    await map
      .getByTestId('map-details')
      .getByText(/Location: /)
      .first()
      .waitFor();
    await page.screenshot({ path: join(shots, '65-overview-map-enterprise-en.png'), fullPage: true });
    await context.close();
  });
});

describe('location pickers (issue 14 §6)', () => {
  it('a citizen picks the report location on the map, loaded only when asked for (phone)', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      baseURL: server.baseUrl,
    });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const scripts = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto('/report');
    await page.getByTestId('report-form').waitFor();
    await page.waitForLoadState('networkidle');
    const mapChunk = (u) => /RegionMap|LocationPickerDialog|leaflet/i.test(u);
    assert.deepEqual(scripts.filter(mapChunk), [], 'the map is not part of the first load');

    await page.getByTestId('report-description').fill('工业园区北侧有人无证气割');
    await page.getByTestId('report-pick').click();
    const map = page.getByTestId('location-picker-map');
    await map.locator('.region-label', { hasText: '会亭镇' }).first().waitFor();
    assert.ok(scripts.some(mapChunk), 'the map loads on demand');
    // Tap the middle of 会亭镇's label area: a point inside the township.
    const label = await map.locator('.region-label', { hasText: '会亭镇' }).first().boundingBox();
    assert.ok(label);
    await page.mouse.click(label.x + label.width / 2, label.y + label.height + 12);
    await page.getByTestId('map-picked').waitFor();
    assert.match((await page.getByTestId('location-picker-value').textContent()) ?? '', /34\.\d+, 11[56]\.\d+/);
    await page.screenshot({ path: join(shots, '62-report-location-picker-phone.png') });
    await page.getByTestId('location-picker-ok').click();
    const fix = (await page.getByTestId('report-fix').textContent()) ?? '';
    const [lat, lng] = (fix.match(/(\d+\.\d+), (\d+\.\d+)/) ?? []).slice(1).map(Number);
    // Inside the demo's schematic 会亭镇 (115.900-116.025, 34.1667-34.3333).
    assert.ok(lat > 34.1667 && lat < 34.3333 && lng > 115.9 && lng < 116.025, fix);
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    const token = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const reports = await apiGet(server.baseUrl, token, '/api/reports?pageSize=50');
    const mine = reports.items.find((r) => r.description === '工业园区北侧有人无证气割');
    assert.ok(mine, 'the report arrived');
    assert.ok(Math.abs(mine.latitude - lat) < 1e-4 && Math.abs(mine.longitude - lng) < 1e-4, JSON.stringify(mine));
    await context.close();

    // The regulator sees it where it was picked, on the overview's map, and opens it from there.
    const consoleContext = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
    consoleContext.setDefaultTimeout(20_000);
    const regulator = await consoleContext.newPage();
    await logIn(regulator, 'xiayi.regulator');
    const reportPin = regulator.getByTestId('overview-map').locator('[data-testid="map-pin-report"]');
    await reportPin.first().waitFor();
    assert.equal(await reportPin.count(), 1);
    await regulator.getByTestId('overview-map').scrollIntoViewIfNeeded();
    await reportPin.first().click();
    await regulator.getByTestId('map-details').getByTestId('map-open-report').click();
    await regulator.waitForURL(new RegExp(`/console/reports\\?open=${mine.id}`));
    await regulator.locator('.ant-drawer', { hasText: '工业园区北侧有人无证气割' }).first().waitFor();
    await consoleContext.close();
  });

  it("the permit form's site is picked on the same map", async () => {
    const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await logIn(page, 'hengda.admin');
    await page.goto('/workspace/permits');
    await page.getByTestId('apply-permit').click();
    await page.getByTestId('permit-site-pick').click();
    const map = page.getByTestId('location-picker-map');
    await map.locator('.region-label', { hasText: '会亭镇' }).first().waitFor();
    // The enterprise's registered point is already picked.
    await page.getByTestId('map-picked').waitFor();
    assert.match((await page.getByTestId('location-picker-value').textContent()) ?? '', /34\.172100, 116\.001200/);
    const box = await map.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    const picked = (await page.getByTestId('location-picker-value').textContent()) ?? '';
    const [lat, lng] = (picked.match(/(\d+\.\d+), (\d+\.\d+)/) ?? []).slice(1);
    assert.ok(lat && lng && lat !== '34.172100', picked);
    await page.getByTestId('location-picker-ok').click();
    await page.waitForFunction(
      (want) =>
        [...document.querySelectorAll('.ant-modal input')].some(
          (i) => /** @type {HTMLInputElement} */ (i).value === want,
        ),
      lat,
    );
    await page.screenshot({ path: join(shots, '63-permit-site-picked.png') });
    await context.close();
  });
});
