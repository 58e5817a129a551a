// @ts-check
// The welder's photo (issue 14 §3) end to end: the enterprise uploads 张伟's photo in his record, the
// county regulator approves it in the review queue, and then the public scan of his badge (anonymous,
// phone size) and his own badge page show it. The deployment lets anonymous scanners see photos
// (WELDER_PHOTO_PUBLIC=true for this server).
// Run: npm run build (root), then node --test e2e/welder-photo.test.mjs (in web-admin)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { apiGet, apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** A real PNG, w×h, a warm gradient (so the screenshot shows a picture), with a GPS text chunk to be stripped. */
function portrait(w, h) {
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
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = 200;
      raw[o + 1] = 120 + Math.round((80 * y) / h);
      raw[o + 2] = 60 + Math.round((100 * x) / w);
    }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0GPS 34.17N 116.00E', 'latin1')),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();
const pageErrors = [];
let zhangCode = '';

before(async () => {
  process.env.WELDER_PHOTO_PUBLIC = 'true';
  server = await startServer();
  browser = await launchBrowser();
  const token = await apiLogin(server.baseUrl, 'hengda.admin');
  const welders = await apiGet(server.baseUrl, token, '/api/welders?pageSize=200');
  const zhang = welders.items.find((w) => w.realName === '张伟');
  assert.ok(zhang, 'demo welder seeded');
  zhangCode = (await apiGet(server.baseUrl, token, `/api/welders/${zhang.id}`)).code.code;
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) console.log(server.log());
    await server.stop();
  }
});

async function loggedIn(options, username, home) {
  const context = await browser.newContext({ ...options, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(home);
  return { context, page };
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** The photo is on the page and the browser could decode it. */
async function photoShown(page) {
  const img = page.getByTestId('welder-photo');
  await img.waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="welder-photo"]');
    return el instanceof HTMLImageElement && el.complete && el.naturalWidth === 240;
  });
}

describe('welder photo: upload → approve → shown on the badge and the public scan', () => {
  it('goes from the enterprise to the regulator to the passer-by', async () => {
    // Before: the public scan shows no photo.
    const anon = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
    const scan = await anon.newPage();
    scan.on('pageerror', (e) => pageErrors.push(`${scan.url()}: ${e.message}`));
    await scan.goto(`/q/${zhangCode}`);
    await scan.getByTestId('scan-welder').waitFor();
    assert.equal(await scan.getByTestId('welder-photo').count(), 0);

    // The enterprise uploads it in 张伟's record.
    const ent = await loggedIn(DESKTOP, 'hengda.admin', /\/workspace\/overview/);
    await ent.page.goto('/workspace/welders');
    await ent.page.getByText('张伟').first().click();
    const panel = ent.page.getByTestId('welder-portrait');
    await panel.waitFor();
    await panel.locator('input[type=file]').setInputFiles({
      name: 'zhang.png',
      mimeType: 'image/png',
      buffer: portrait(240, 320),
    });
    await ent.page.getByTestId('welder-photo-pending').waitFor();
    await shot(ent.page, 'welder-photo-enterprise-pending');
    await ent.context.close();

    // The county regulator approves it.
    const reg = await loggedIn(DESKTOP, 'xiayi.regulator', /\/console\/overview/);
    await reg.page.goto('/console/welder-photos');
    const row = reg.page.locator('tr').filter({ has: reg.page.getByTestId('review-welder').getByText('张伟') });
    await row.getByTestId('review-photo').waitFor();
    await shot(reg.page, 'welder-photo-regulator-queue');
    await row.getByTestId('review-approve').click();
    await reg.page.getByText('已审核通过').waitFor();
    await reg.page.getByText('没有待审核的照片').waitFor();
    await reg.context.close();

    // The passer-by scanning his badge sees it, with the note that it was checked.
    await scan.reload();
    await scan.getByTestId('scan-welder').waitFor();
    await photoShown(scan);
    assert.match((await scan.getByTestId('scan-welder').textContent()) ?? '', /照片已经监管部门审核/);
    await shot(scan, 'welder-photo-public-scan-phone');
    await anon.close();

    // And 张伟's own badge.
    const me = await loggedIn(PHONE, 'welder.zhang', /\/w$/);
    await photoShown(me.page);
    await shot(me.page, 'welder-photo-badge-phone');
    await me.context.close();
    assert.deepEqual(pageErrors, []);
  });
});
