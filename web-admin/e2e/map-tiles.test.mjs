// @ts-check
// The map with a tile provider configured (issue 14 §6): MAP_TILES=tianditu with a key. The browser asks
// 天地图 for vector and label tiles carrying the key; the test answers them itself (no network here), and
// the boundaries and pins are still drawn over them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const KEY = 'e2etiandituKey0123456789';
// A 1×1 light-grey PNG stands in for every tile.
const TILE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==',
  'base64',
);

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();

before(async () => {
  server = await startServer({ env: { MAP_TILES: 'tianditu', MAP_TILE_KEY: KEY } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

describe('overview map with Tianditu tiles', () => {
  it('loads vector and label tiles with the configured key under the boundaries and pins', async () => {
    const settings = await (await fetch(`${server.baseUrl}/api/map/settings`)).json();
    assert.deepEqual(settings.tiles, { provider: 'tianditu', key: KEY });

    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'zh-CN',
      baseURL: server.baseUrl,
    });
    context.setDefaultTimeout(20_000);
    const tiles = [];
    await context.route(/tianditu\.gov\.cn/, (route) => {
      tiles.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: TILE });
    });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('username').fill('xiayi.regulator');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/console\/overview/);
    const map = page.getByTestId('overview-map');
    await map.locator('.leaflet-tile-loaded').first().waitFor();
    await map.locator('.region-label', { hasText: '会亭镇' }).first().waitFor();
    await map.locator('[data-testid="map-pin-machine"]').first().waitFor();
    assert.ok(
      tiles.some((u) => /\/vec_w\/wmts\?.*LAYER=vec/.test(u)),
      'vector tiles',
    );
    assert.ok(
      tiles.some((u) => /\/cva_w\/wmts\?.*LAYER=cva/.test(u)),
      'label tiles',
    );
    assert.ok(
      tiles.every((u) => u.endsWith(`&tk=${KEY}`)),
      'every tile carries the key',
    );
    assert.equal(await map.getByTestId('map-schematic').count(), 1, 'the demo boundaries still say what they are');
    assert.match((await map.locator('.leaflet-control-attribution').textContent()) ?? '', /天地图/);
    await map.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '64-overview-map-tianditu-tiles.png'), fullPage: true });
    await context.close();
  });
});
