// @ts-check
// 五现场 on the inspector's phone (issue 15 §2) in headless Chromium against the built server with the Xiayi
// demo data: the county draws a plan over 夏邑县 (both demo regulators are its inspector pool, so both are
// drawn for every enterprise); 会亭镇's regulator opens /i on a phone, checks in with GPS, scans 恒达's
// machine code (typed), records a machine with no code with a photo, writes findings (the draft survives a
// reload), hands over two hazards with a deadline, and the representative signs on the screen. The hazard
// register and the off-platform audit then hold what was found.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiGet, apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  geolocation: { latitude: 34.1722, longitude: 116.0013, accuracy: 15 },
  permissions: ['geolocation'],
};
const RAW = /[0-9a-f]{8}-[0-9a-f]{4}-|\b(machine_not_chipped|fire_equipment_missing|checked_in|other_enterprise)\b/;
/** A real 1×1 PNG (the machine's photo). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

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

/** Draws a signature-like stroke across the pad with the pointer. */
async function drawSignature(page) {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  assert.ok(box, 'the signature pad is on screen');
  await page.mouse.move(box.x + 20, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++)
    await page.mouse.move(box.x + 20 + i * 22, box.y + box.height * (0.6 + 0.25 * Math.sin(i)), { steps: 3 });
  await page.mouse.up();
}

describe('inspector on site (五现场) on a phone', () => {
  it('checks in, scans, records a machine with no code, notes, hands over, collects the signature', async () => {
    // The county draws every enterprise of 夏邑县: 恒达 is among them with both demo regulators.
    const county = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const res = await fetch(`${server.baseUrl}/api/inspection-plans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${county}` },
      body: JSON.stringify({
        title: '2026年12月夏邑县现场检查',
        regionCode: '411426',
        periodStart: '2026-12-01',
        periodEnd: '2026-12-31',
        sampleSize: 200,
        weights: { openAlerts: 1, daysSinceInspection: 1 },
        seed: 'inspector-phone-e2e',
      }),
    });
    assert.equal(res.status, 201);
    const plan = await res.json();
    const target = plan.targets.find((x) => x.enterpriseName.includes('恒达'));
    assert.ok(target, '恒达 is drawn');
    const token = await apiLogin(server.baseUrl, 'huiting.regulator');
    const machines = await apiGet(
      server.baseUrl,
      token,
      `/api/machines?enterpriseId=${target.enterpriseId}&pageSize=5`,
    );
    const machine = machines.items.find((m) => m.enterpriseId === target.enterpriseId) ?? machines.items[0];
    const machineCode = (await apiGet(server.baseUrl, token, `/api/codes/machines/${machine.id}`)).code;

    const context = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/login');
    await page.getByTestId('username').fill('huiting.regulator');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/console\//);

    // My inspections.
    await page.goto('/i');
    await page.getByTestId('inspector-target').filter({ hasText: '恒达' }).first().waitFor();
    await page.screenshot({ path: join(shots, '80-inspector-targets.png'), fullPage: true });
    await page.goto(`/i/targets/${plan.id}/${target.position}`);
    await page.getByTestId('record-head').waitFor();

    // 现场检查: check in with the phone's position.
    await page.getByTestId('check-in-button').click();
    await page.getByTestId('checked-in').waitFor();
    await page.screenshot({ path: join(shots, '81-inspector-checked-in.png'), fullPage: true });

    // 现场查: the machine's code typed in (the camera is for real phones).
    await page.getByTestId('scan-code').fill(machineCode);
    await page.getByTestId('scan-submit').click();
    await page.getByTestId('scan-result').waitFor();
    const outcome = await page.getByTestId('scan-outcome').innerText();
    assert.ok(outcome.includes('本企业'), `scan outcome: ${outcome}`);
    const scanText = await page.getByTestId('scan-result').innerText();
    assert.ok(/已登记|未登记或停用/.test(scanText) && /加芯/.test(scanText), scanText);
    await page.getByTestId('scan-card').screenshot({ path: join(shots, '82-inspector-scan.png') });

    // A machine with no code, with a photo.
    await page.getByTestId('no-code-description').fill('2号车间西侧一台无铭牌交流焊机，无二维码');
    await page.getByTestId('no-code-photos').setInputFiles({ name: 'machine.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('no-code-submit').click();
    await page.getByTestId('no-code-list').waitFor();
    await page.screenshot({ path: join(shots, '83-inspector-no-code.png'), fullPage: true });

    // 现场查 / 现场讲 as a draft: it survives a reload before it is sent.
    await page.getByTestId('findings').fill('2号车间一台焊机未赋码；动火点未配灭火器');
    await page.getByTestId('explained').fill('讲解了扫码开机和动火作业票要求');
    await page.getByTestId('draft-kept').waitFor();
    await page.reload();
    await page.getByTestId('record-head').waitFor();
    assert.equal(await page.getByTestId('findings').inputValue(), '2号车间一台焊机未赋码；动火点未配灭火器');
    assert.equal(await page.getByTestId('explained').inputValue(), '讲解了扫码开机和动火作业票要求');
    await page.getByTestId('text-save').click();
    await page.getByTestId('inspector-notice').waitFor();

    // 现场交办: the machine's hazard and a new one, with a deadline.
    await page.getByTestId('hazard-note').fill('限期7日内整改到位');
    await page.getByTestId('hand-over-existing').click();
    await page.getByTestId('visit-hazard').filter({ hasText: '限期整改中' }).first().waitFor();
    await page.getByTestId('hazard-category').selectOption('fire_equipment_missing');
    await page.getByTestId('hazard-description').fill('动火点5米内未配置灭火器');
    await page.getByTestId('hazard-note').fill('配齐灭火器并落实监护');
    await page.getByTestId('hand-over-new').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="visit-hazard"]').length === 2,
      undefined,
      { timeout: 20_000 },
    );
    await page.getByTestId('hand-over-card').screenshot({ path: join(shots, '84-inspector-hand-over.png') });

    // 现场签字.
    await page.getByTestId('signer-name').fill('王建国');
    await drawSignature(page);
    await page.getByTestId('sign-card').screenshot({ path: join(shots, '85-inspector-signature-pad.png') });
    await page.getByTestId('sign-submit').click();
    await page.getByTestId('signed').waitFor();
    await page.locator('img.i-signed').waitFor();
    await page.screenshot({ path: join(shots, '86-inspector-signed.png'), fullPage: true });
    // 现场检查记录 from the phone: the signed record as a PDF (its text is checked in documents.integration-spec).
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('record-pdf').click()]);
    assert.match(pdf.suggestedFilename(), /\.pdf$/);
    const bytes = await readFile(await pdf.path());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.ok(bytes.length > 5000, `a PDF of ${bytes.length} bytes`);
    const text = await page.getByTestId('inspector-target-page').innerText();
    assert.ok(!RAW.test(text), `the page shows a raw code or id: ${text.match(RAW)?.[0]}`);

    // English too.
    await page.getByTestId('lang-switch').getByText('EN').click();
    await page.getByText("Representative's signature").waitFor();

    // What the server holds: the record, the hazards, the off-platform finding.
    const record = await apiGet(
      server.baseUrl,
      token,
      `/api/inspection-plans/${plan.id}/targets/${target.position}/record`,
    );
    assert.equal(record.state, 'signed');
    assert.equal(record.signerName, '王建国');
    assert.equal(record.findings, '2号车间一台焊机未赋码；动火点未配灭火器');
    assert.equal(record.scans.length, 1);
    assert.equal(record.unregisteredMachines.length, 1);
    assert.equal(record.unregisteredMachines[0].photoCount, 1);
    assert.deepEqual(
      record.hazards.map((h) => h.state),
      ['ordered', 'ordered'],
    );
    const png = await apiGet(
      server.baseUrl,
      token,
      `/api/inspection-plans/${plan.id}/targets/${target.position}/signature.png`,
    );
    assert.ok(Buffer.isBuffer(png) && png.subarray(1, 4).toString() === 'PNG', 'the signature is a PNG');
    const hazards = await apiGet(
      server.baseUrl,
      token,
      `/api/hazards?enterpriseId=${target.enterpriseId}&pageSize=100`,
    );
    const found = hazards.items.find((h) => h.id === record.unregisteredMachines[0].hazardId);
    assert.ok(found, 'the machine with no code is a hazard');
    assert.equal(found.category, 'machine_not_chipped');
    assert.equal(found.source, 'inspection');
    const offPlatform = await apiGet(server.baseUrl, token, '/api/off-platform/found-unregistered-machines');
    assert.ok(
      offPlatform.items.some((r) => r.hazardId === found.id && r.enterpriseId === target.enterpriseId),
      'the off-platform audit lists it',
    );

    // 现场验收 later: 恒达 reports its rectification, the inspector verifies it on site.
    const hengda = await apiLogin(server.baseUrl, 'hengda.admin');
    const rectified = await fetch(`${server.baseUrl}/api/hazards/${found.id}/rectify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${hengda}` },
      body: JSON.stringify({ note: '已为焊机加装控制芯片并赋码' }),
    });
    assert.equal(rectified.status, 200);
    await page.getByTestId('lang-switch').getByText('中文').click();
    await page.reload();
    await page.getByTestId('verify-card').waitFor();
    await page.getByTestId('verify-note').fill('现场复查：焊机已加芯赋码，合格');
    await page.getByTestId('verify-pass').click();
    await page.getByTestId('verify-hazard').filter({ hasText: '待销号' }).waitFor();
    await page.getByTestId('verify-card').screenshot({ path: join(shots, '87-inspector-verified.png') });
    const verified = await apiGet(server.baseUrl, token, `/api/hazards/${found.id}`);
    assert.equal(verified.state, 'verified');
    assert.ok(
      verified.timeline.some((e) => e.step === 'verified' && e.onSite === true),
      'verified on site',
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
});
