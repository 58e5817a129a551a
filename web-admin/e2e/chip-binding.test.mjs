// @ts-check
// 加芯 at the machine, as the installer does it on a phone (390×844): the chip's label is read (typed
// here as the camera would hand it over), what will be bound is shown, a confirm binds it; a garbled
// or altered label gets a clear Chinese message; the chip is then replaced and unbound with a reason,
// and the machine's chip history shows who did what and why.
// Run: npm run build (root), then node --test e2e/chip-binding.test.mjs (in web-admin)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiGet,
  apiLogin,
  DEMO_PASSWORD,
  ensureScreenshotDir,
  launchBrowser,
  pickOption,
  REPO_ROOT,
  startServer,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const PROTOCOL_DIST = join(REPO_ROOT, 'protocol', 'dist', 'index.js');
if (!existsSync(PROTOCOL_DIST)) throw new Error(`${PROTOCOL_DIST} is missing: run \`npm run build\` first.`);
const { formatChipLabel, generateChipKeyPair } = require(PROTOCOL_DIST);

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
const MACHINE = { serial: 'AT-NBC500-230877' };
const grouped = (chip) => `${chip.slice(0, 5)} ${chip.slice(5).replace(/(.{4})(?=.)/g, '$1 ')}`;

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
let machineId = '';
let token = '';
const shots = ensureScreenshotDir();
const pageErrors = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = await apiLogin(server.baseUrl, 'hengda.admin');
  const machines = await apiGet(server.baseUrl, token, '/api/machines?pageSize=200');
  const m = machines.items.find((x) => x.serialNumber === MACHINE.serial);
  assert.ok(m && !m.chipId, 'demo machine seeded without a chip');
  machineId = m.id;
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) console.log(server.log());
    await server.stop();
  }
});

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function readLabel(page, text) {
  await page.getByTestId('chip-label-input').fill(text);
  await page.getByTestId('chip-label-read').click();
}

async function pickReason(page, label) {
  await pickOption(page, page.getByTestId('chip-reason'), label);
}

describe('chip binding at the machine (phone)', () => {
  it('binds by label, refuses garbled and altered labels, replaces and unbinds with a reason, all in the history', async () => {
    const context = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    await page.goto('/login');
    await page.getByTestId('username').fill('hengda.admin');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/workspace\/overview/);

    // Reached from the machine in the list: its action menu leads to the chip page.
    await page.goto(`/workspace/machines/${machineId}/chip`);
    await page.getByTestId('chip-current-none').waitFor();
    await page.getByTestId('chip-bind-card').waitFor();

    // Not a chip label (a machine code URL): refused in Chinese, nothing to confirm.
    await readLabel(page, `${server.baseUrl}/q/M3F7K9M2QX4TB8N6RZ5HC1`);
    const err = page.getByTestId('chip-label-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /这不是芯片标签的二维码/);
    assert.equal(await page.getByTestId('chip-confirm').isDisabled(), true);
    // A damaged label (public key cut short).
    const first = generateChipKeyPair();
    const label = formatChipLabel(first.publicKey);
    await readLabel(page, label.slice(0, -5));
    await page.getByText('标签上的芯片公钥缺失或无法识别').waitFor();
    await shot(page, 'chip-binding-phone-garbled-label');

    // The right label: shown, then bound.
    await readLabel(page, label);
    const preview = page.getByTestId('chip-preview');
    await preview.waitFor();
    assert.equal(await page.getByTestId('chip-preview-id').textContent(), grouped(first.chip));
    assert.match((await preview.textContent()) ?? '', /将把这枚芯片绑定到本焊机/);
    await shot(page, 'chip-binding-phone-preview');
    await page.getByTestId('chip-confirm').click();
    await page.getByText('芯片已绑定').waitFor();
    await page.getByTestId('chip-current').waitFor();
    assert.equal(await page.getByTestId('chip-current').textContent(), grouped(first.chip));
    let m = await apiGet(server.baseUrl, token, `/api/machines/${machineId}`);
    assert.equal(m.chipId, first.chip);

    // 换芯 with a label whose id was altered: well formed, but the server finds id and key apart.
    await page.getByTestId('chip-replace').click();
    await pickReason(page, '芯片故障');
    const second = generateChipKeyPair();
    const other = generateChipKeyPair();
    await readLabel(page, formatChipLabel(second.publicKey).replace(second.chip, other.chip));
    await page.getByTestId('chip-preview').waitFor();
    await page.getByTestId('chip-confirm').click();
    const refused = page.getByTestId('chip-error');
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /芯片编号与公钥不符/);
    m = await apiGet(server.baseUrl, token, `/api/machines/${machineId}`);
    assert.equal(m.chipId, first.chip, 'nothing changed by the refused replacement');

    // The genuine new label: replaced.
    await readLabel(page, formatChipLabel(second.publicKey));
    await page.getByTestId('chip-preview').filter({ hasText: '将用这枚芯片替换当前芯片' }).waitFor();
    await page.getByTestId('chip-confirm').click();
    await page.getByText('已换芯，旧芯片已解绑并失效').waitFor();
    await page
      .getByTestId('chip-current')
      .filter({ hasText: grouped(second.chip) })
      .waitFor();

    // Unbind: a reason is required, and a note for "other".
    await page.getByTestId('chip-unbind').click();
    await page.getByTestId('chip-confirm').click();
    await page.getByTestId('chip-error').filter({ hasText: '请选择原因' }).waitFor();
    await pickReason(page, '其他');
    await page.getByTestId('chip-confirm').click();
    await page.getByTestId('chip-error').filter({ hasText: '原因为“其他”时请填写说明' }).waitFor();
    await page.getByTestId('chip-note').fill('焊机转到二车间，芯片随旧控制盒拆下');
    await shot(page, 'chip-binding-phone-unbind-reason');
    await page.getByTestId('chip-confirm').click();
    await page.getByText('芯片已解绑，旧芯片立即失效').waitFor();
    await page.getByTestId('chip-current-none').waitFor();
    m = await apiGet(server.baseUrl, token, `/api/machines/${machineId}`);
    assert.equal(m.chipId, null);

    // The history: two bindings and two unbindings, with the reasons in words.
    const history = page.getByTestId('chip-history');
    await history.getByTestId('chip-history-unbind').nth(1).waitFor();
    const text = (await history.textContent()) ?? '';
    assert.match(text, new RegExp(`解绑芯片 ${second.chip}`));
    assert.match(text, /原因：其他；焊机转到二车间，芯片随旧控制盒拆下/);
    assert.match(text, new RegExp(`解绑芯片 ${first.chip}（换为 ${second.chip}）`));
    assert.match(text, /原因：芯片故障/);
    assert.match(text, /恒达钢结构安全科（企业管理员）/);
    assert.doesNotMatch(text, /chip_faulty|other|machine\.chip/);
    await shot(page, 'chip-binding-phone-history');

    // The page fits the phone: nothing wider than the viewport.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
