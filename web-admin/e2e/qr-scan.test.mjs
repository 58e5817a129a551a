// @ts-check
// Camera scan where the browser has no BarcodeDetector (iOS Safari, WeChat's browser; issue 14 §3):
// the welder's 扫码开机 page reads the machine's QR code from the camera with the JavaScript decoder
// (jsQR in a web worker). Chromium films a generated video of the machine's real code through its fake
// camera; BarcodeDetector is deleted before the app loads, so only the fallback can read it.
// Run: npm run build (root), then node --test e2e/qr-scan.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiGet, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const require = createRequire(import.meta.url);
const QRCode = require('qrcode');

const WECHAT_IPHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN',
  permissions: ['camera'],
};

/**
 * A Y4M video (4:2:0, what Chromium's fake camera plays in a loop) showing `text` as a QR code, dark on
 * light, in the middle of a grey frame with a little noise, as a phone held at a label would see it.
 */
function qrVideo(text, file) {
  const W = 640;
  const H = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const module = Math.floor(360 / (n + 8));
  const side = module * (n + 8);
  const x0 = Math.floor((W - side) / 2);
  const y0 = Math.floor((H - side) / 2);
  const frames = [];
  for (let f = 0; f < 5; f++) {
    const y = Buffer.alloc(W * H);
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        let v = 120 + ((px * 7 + py * 13 + f * 31) % 17); // the wall around the label
        const qx = Math.floor((px - x0) / module) - 4;
        const qy = Math.floor((py - y0) / module) - 4;
        if (px >= x0 && px < x0 + side && py >= y0 && py < y0 + side) {
          const dark = qx >= 0 && qy >= 0 && qx < n && qy < n && qr.modules.get(qy, qx);
          v = dark ? 30 + ((px + py + f) % 11) : 225 - ((px * 3 + py + f) % 13);
        }
        y[py * W + px] = v;
      }
    const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
    frames.push(Buffer.from('FRAME\n'), y, chroma);
  }
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
let dir = '';
let machineCode = '';
let machineName = '';
const shots = ensureScreenshotDir();
const pageErrors = [];

before(async () => {
  server = await startServer();
  const admin = await (
    await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'hengda.admin', password: DEMO_PASSWORD }),
    })
  ).json();
  const machines = await apiGet(server.baseUrl, admin.accessToken, '/api/machines?pageSize=1');
  assert.ok(machines.items.length, 'demo machines seeded');
  machineName = machines.items[0].name;
  machineCode = (await apiGet(server.baseUrl, admin.accessToken, `/api/codes/machines/${machines.items[0].id}`)).code;
  dir = mkdtempSync(join(tmpdir(), 'arcgate-e2e-qr-'));
  const video = join(dir, 'machine-label.y4m');
  // The label carries the code URL, as printed (what the public scan page opens).
  qrVideo(`${server.baseUrl}/q/${machineCode}`, video);
  browser = await launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('camera scan without BarcodeDetector (iOS Safari, WeChat)', () => {
  it("reads the machine's QR code from the camera with the JavaScript decoder in a worker", async () => {
    const context = await browser.newContext({ ...WECHAT_IPHONE, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    // As in WeChat's browser and iOS Safari: no Shape Detection API at all.
    await context.addInitScript(() => {
      delete (/** @type {any} */ (window).BarcodeDetector);
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    /** @type {string[]} */ const scripts = [];
    page.on('request', (r) => {
      if (/\.js(\?|$)/.test(r.url())) scripts.push(new URL(r.url()).pathname);
    });
    await page.goto('/login');
    await page.getByTestId('username').fill('welder.zhang');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/w$/);
    await page.getByTestId('tab-start').click();
    await page.getByTestId('scanner-start').waitFor();
    assert.equal(await page.evaluate(() => 'BarcodeDetector' in window), false);
    assert.ok(!scripts.some((s) => /qr-decode|jsqr/i.test(s)), 'the decoder is not loaded before the camera opens');

    await page.getByTestId('scanner-start').click();
    // Nothing is typed: only a decoded frame can fill in the code and look the machine up.
    const found = page.getByTestId('start-machine');
    await found.waitFor({ timeout: 30_000 });
    assert.ok((await found.textContent())?.includes(machineName), 'the scanned machine is shown');
    assert.equal(await page.getByTestId('start-code').inputValue(), machineCode);
    assert.ok(
      scripts.some((s) => /qr-decode\.worker/.test(s)),
      `the decoding ran in the worker: ${scripts.join(' ')}`,
    );
    assert.equal(await page.locator('video').count(), 0, 'the camera closed after the read');
    await page.screenshot({ path: join(shots, 'welder-scan-fallback.png'), fullPage: true });
    await context.close();
  });

  it('raised no uncaught errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
