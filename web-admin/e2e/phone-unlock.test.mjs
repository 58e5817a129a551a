// @ts-check
// The phone start (扫码启动) end to end: a welder on a phone-sized page in headless Chromium asks
// the real server to start a machine; the server pushes the grant over its embedded broker to the
// real device agent, which drives the firmware simulator (Firmata over a pty) through johnny-five.
// The welder confirms on the machine with the torch trigger and the simulator's relay closes.
// Run: npm run build (root), then npm run test:e2e -w web-admin
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiGet,
  apiLogin,
  DEMO_PASSWORD,
  ensureScreenshotDir,
  launchBrowser,
  REPO_ROOT,
  startServer,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const AGENT_DIST = join(REPO_ROOT, 'device-agent', 'dist', 'index.js');
const SIM_DIST = join(REPO_ROOT, 'firmware-sim', 'dist', 'index.js');
for (const file of [AGENT_DIST, SIM_DIST]) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` at the repository root first.`);
}
const { Agent, BadgeScanner, createLogger, FIRMWARE, JohnnyFiveBoard, loadOrCreateChipKey, systemClock } = require(
  AGENT_DIST,
);
const { SimulatedMachine } = require(SIM_DIST);
const mqtt = require('mqtt');

/** 恒达 works in 会亭镇: the agent's fixed POSITION, the permit's geofence centre and the phone's fix. */
const SITE = { lat: 34.1721, lng: 116.0012 };
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  geolocation: { latitude: SITE.lat, longitude: SITE.lng, accuracy: 8 },
  permissions: ['geolocation'],
  // WeChat's built-in browser on Android: where welders open the platform.
  userAgent:
    'Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47',
};
const MACHINE_1 = { serial: 'SD-WS400-240101', name: '1号车间氩弧焊机' };
const MACHINE_2 = { serial: 'AT-NBC500-230877' };
const FULL_CHECKLIST = {
  combustiblesCleared15m: true,
  extinguishersInPlace: true,
  openingsCovered: true,
  equipmentIsolated: true,
  ppeInPlace: true,
};
/** Who signs which step of the approval chain (demo positions); the applicant is hengda.admin. */
const SIGNER = { unit_head: 'hengda.foreman', safety_department: 'hengda.safety' };

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
let machine;
let agent;
let agentDir = '';
const shots = ensureScreenshotDir();
const pageErrors = [];
const agentLog = [];
const fx = { machine1Id: '', machineCode: '', zhangPermitId: '', liuPermitId: '', chip: '' };
const tokens = /** @type {Record<string, string>} */ ({});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, predicate, timeoutMs = 10_000) {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}\nagent log tail:\n${agentLog.slice(-15).join('')}`,
      );
    await sleep(50);
  }
}

async function token(username) {
  tokens[username] ??= await apiLogin(server.baseUrl, username);
  return tokens[username];
}

async function api(method, username, path, body) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await token(username)}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} as ${username}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * A 二级 permit in force from half a minute ago for 4 h (the server refuses starts more than its
 * clock-skew allowance, a minute, in the past), signed through its whole chain, with a fresh passing gas analysis.
 * The fire watcher is another registered person of 恒达 (never the welder).
 */
async function approvedPermit(welderId, machineId, workDescription, watcherId) {
  const now = Date.now();
  const permit = await api('POST', 'hengda.admin', '/api/permits', {
    level: 'level2',
    workDescription,
    site: {
      address: '会亭镇工业园区纬一路8号 1号车间',
      point: SITE,
      geofence: { type: 'circle', center: SITE, radiusM: 80 },
    },
    plannedStart: new Date(now - 30_000).toISOString(),
    plannedEnd: new Date(now + 4 * 3_600_000).toISOString(),
    welderIds: [welderId],
    machineIds: [machineId],
    fireWatcher: { personId: watcherId },
    checklist: FULL_CHECKLIST,
  });
  let state = await api('POST', 'hengda.admin', `/api/permits/${permit.id}/submit`);
  while (state.status === 'submitted') {
    const signer = SIGNER[state.approval.nextPosition];
    assert.ok(signer, `no demo user signs for ${state.approval.nextPosition}`);
    state = await api('POST', signer, `/api/permits/${permit.id}/approve`, { remark: '措施落实，同意' });
  }
  assert.equal(state.status, 'active', 'approved and inside its window');
  const gas = await api('POST', 'hengda.admin', `/api/permits/${permit.id}/gas-analyses`, {
    takenAt: new Date(Date.now() - 60_000).toISOString(),
    gas: '甲烷',
    lelPercent: 5,
    readingPercentVol: 0.1,
    analyst: '李分析',
  });
  assert.equal(gas.passed, true);
  return permit.id;
}

async function openPhone() {
  const context = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  return { context, page };
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Logs in on the phone, opens 扫码启动 and types the machine's code (as a scanned URL, like the camera reads it). */
async function openStartWithMachine(page, username) {
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/w$/);
  await page.getByTestId('tab-start').click();
  await page.getByTestId('start-code').fill(`${server.baseUrl}/q/${fx.machineCode}`);
  await page.getByTestId('start-code-ok').click();
  const found = page.getByTestId('start-machine');
  await found.waitFor();
  assert.ok((await found.textContent())?.includes(MACHINE_1.name));
}

/** Picks the permit and asks for the start; returns what the server answered. */
async function requestStart(page, workDescription) {
  // antd hands the radio's data-testid to its <input>; the text is in the surrounding <label>.
  await page
    .locator('label')
    .filter({ has: page.getByTestId('permit-option') })
    .filter({ hasText: workDescription })
    .click();
  assert.equal(await page.getByTestId('start-request').isDisabled(), false);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/arm-sessions') && r.request().method() === 'POST');
  await page.getByTestId('start-request').click();
  const res = await answer;
  assert.equal(res.status(), 200);
  return res.json();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();

  const machines = await api('GET', 'hengda.admin', '/api/machines?pageSize=200');
  const m1 = machines.items.find((m) => m.serialNumber === MACHINE_1.serial);
  const m2 = machines.items.find((m) => m.serialNumber === MACHINE_2.serial);
  assert.ok(m1 && m2, 'demo machines seeded');
  fx.machine1Id = m1.id;
  fx.machineCode = (await apiGet(server.baseUrl, await token('hengda.admin'), `/api/codes/machines/${m1.id}`)).code;
  const welders = await api('GET', 'hengda.admin', '/api/welders?pageSize=200');
  const zhang = welders.items.find((w) => w.realName === '张伟');
  const liu = welders.items.find((w) => w.realName === '刘洋');
  assert.ok(zhang && liu, 'demo welders seeded');

  // 加芯: the chip key is made where the agent will find it, and bound as if scanned from the chip.
  agentDir = mkdtempSync(join(tmpdir(), 'arcgate-e2e-agent-'));
  const identity = loadOrCreateChipKey(join(agentDir, 'keys'));
  fx.chip = identity.chip;
  const bound = await api('POST', 'hengda.admin', `/api/machines/${m1.id}/chip`, {
    chipId: identity.chip,
    publicKey: identity.publicKey,
  });
  assert.equal(bound.chipId, identity.chip);
  const serverKey = await api('GET', 'hengda.admin', '/api/devices/server-key');

  fx.zhangPermitId = await approvedPermit(zhang.id, m1.id, '1号车间钢梁对接焊', liu.id);
  // A second welder with an account and a permit of his own, for machine 2 only.
  // The admin sets a first password; 刘洋 replaces it at his first log-in (a forced change), here through the API.
  const firstPassword = 'Erst-Passwort-2026';
  await api('POST', 'hengda.admin', '/api/users', {
    username: 'welder.liu',
    password: firstPassword,
    displayName: '刘洋',
    role: 'welder',
    welderId: liu.id,
  });
  const restricted = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'welder.liu', password: firstPassword }),
  }).then((r) => r.json());
  assert.equal(restricted.mustChangePassword, true);
  const changed = await fetch(`${server.baseUrl}/api/auth/password`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${restricted.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ currentPassword: firstPassword, newPassword: DEMO_PASSWORD }),
  });
  assert.ok(changed.ok, `password change: ${changed.status} ${await changed.text()}`);
  fx.liuPermitId = await approvedPermit(liu.id, m2.id, '2号车间支架补焊', zhang.id);

  machine = new SimulatedMachine({ name: 'e2e-phone', kind: 'electric_arc', process: 'MMA', seed: 11 });
  await machine.start();
  agent = new Agent({
    config: {
      mqttUrl: server.mqttUrl,
      topicRoot: 'arcgate',
      serverPublicKey: serverKey.publicKey,
      boardPath: machine.paths.serialPath,
      scannerPath: machine.paths.scannerPath,
      dataDir: agentDir,
      machineKind: 'electric_arc',
      gasLimitPercentLel: 10,
      position: { ...SITE, accuracyM: 5 },
      watchdogMs: 2_000,
      logLevel: 'debug',
      firmware: FIRMWARE,
    },
    board: new JohnnyFiveBoard({ path: machine.paths.serialPath, machineKind: 'electric_arc' }),
    scanner: new BadgeScanner({ path: machine.paths.scannerPath }),
    connect: (url, options) => mqtt.connect(url, options),
    clock: systemClock,
    log: createLogger({ level: 'debug', write: (line) => agentLog.push(line) }),
  });
  await agent.start();
  assert.equal(agent.chip, fx.chip, 'the agent uses the key that was bound');
  await waitFor('the agent online', () => agent.online, 15_000);
  // The server marks the chip online when the device's status arrives; only then is a push sent at once.
  await waitFor(
    'the server to see the device online',
    async () => (await api('GET', 'hengda.admin', `/api/machines/${m1.id}/device`)).online,
    15_000,
  );
  assert.equal(machine.snapshot().relayClosed, false, 'boots locked');
});

after(async () => {
  await agent?.stop().catch((e) => console.error('agent.stop', e));
  await machine?.stop().catch((e) => console.error('machine.stop', e));
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) console.log(server.log());
    await server.stop();
  }
  if (agentDir) rmSync(agentDir, { recursive: true, force: true });
});

describe('phone start (扫码启动) unlocks a simulated machine through the device agent', () => {
  it('refuses a second welder whose permit does not name this machine, in Chinese, and the machine stays locked', async () => {
    const { context, page } = await openPhone();
    await openStartWithMachine(page, 'welder.liu');
    // Only his own permit is offered: 张伟's permit for this machine is not his to pick.
    assert.equal(await page.getByTestId('permit-option').count(), 1);
    const answer = await requestStart(page, '2号车间支架补焊');
    assert.equal(answer.allowed, false);
    assert.equal(answer.reason, 'MACHINE_NOT_NAMED');
    const refusal = page.getByTestId('start-refusal');
    await refusal.waitFor();
    assert.equal(await refusal.textContent(), answer.message['zh-CN']);
    assert.match(answer.message['zh-CN'], /许可设备清单/);
    await shot(page, '15-welder-start-refused');
    await sleep(500);
    assert.equal(agent.snapshot.push, null, 'nothing was pushed to the device');
    assert.equal(agent.state, 'locked');
    assert.equal(machine.snapshot().relayClosed, false);
    await context.close();
  });

  it('grants 张伟 the start, delivers it to the machine, and the relay closes once he confirms with the trigger', async () => {
    const { context, page } = await openPhone();
    const relayEvents = [];
    machine.on('relay', (closed) => relayEvents.push(closed));
    await openStartWithMachine(page, 'welder.zhang');
    const answer = await requestStart(page, '1号车间钢梁对接焊');
    assert.equal(answer.allowed, true, `refused: ${answer.reason}`);
    assert.equal(answer.delivered, true, 'the device was online: the grant went out at once');
    await page.getByTestId('start-delivery').getByText('已下发，请在焊机上确认').waitFor();

    // The push alone unlocks nothing: the agent waits for the welder at the machine.
    await waitFor('the grant.push at the agent', () => agent.snapshot.push?.sessionId === answer.sessionId);
    assert.equal(agent.snapshot.push.permitId, fx.zhangPermitId);
    assert.equal(agent.state, 'locked');
    assert.equal(machine.snapshot().relayClosed, false);
    assert.ok(!relayEvents.includes(true), 'the relay was never driven closed before the confirmation');
    await shot(page, '16-welder-start-delivered');

    // 张伟 presses the torch trigger: the agent asks with the phone session, the server grants, the relay closes.
    machine.pressTrigger();
    await waitFor('the agent to ask the server', () => agent.state !== 'locked');
    machine.releaseTrigger();
    await waitFor('the relay to close on the simulator', () => machine.snapshot().relayClosed);
    assert.ok(relayEvents.includes(true), 'the simulator saw the relay driven closed');
    assert.equal(agent.state, 'armed');
    assert.equal(agent.snapshot.grant?.body.permitId, fx.zhangPermitId);

    // The page follows delivery until the device has taken the grant.
    await page.getByTestId('start-delivery').getByText('焊机已解锁').waitFor({ timeout: 15_000 });
    const session = await api('GET', 'welder.zhang', `/api/arm-sessions/${answer.sessionId}`);
    assert.equal(session.status, 'armed');
    await waitFor(
      'the device state on the platform',
      async () => (await api('GET', 'hengda.admin', `/api/machines/${fx.machine1Id}/device`)).state === 'armed',
    );
    await shot(page, '17-welder-start-unlocked');

    // The phone shows the relay closed from the device's own report (relay.change), not from the grant.
    const phase = page.getByTestId('work-phase');
    await page.locator('[data-testid="work-phase"][data-phase="relay_closed"]').waitFor({ timeout: 15_000 });
    assert.equal(await phase.textContent(), '继电器已闭合，焊机已通电');
    assert.match((await page.getByTestId('work-relay').textContent()) ?? '', /焊机上报继电器已闭合/);
    await shot(page, '18-welder-work-relay-closed');

    // 张伟 welds: the simulator's current rises above the threshold, the agent reports arc.start.
    machine.pressTrigger();
    await page.locator('[data-testid="work-phase"][data-phase="arcing"]').waitFor({ timeout: 15_000 });
    assert.equal(await phase.textContent(), '正在焊接');
    const running = page.getByTestId('work-arc-running');
    assert.match((await running.textContent()) ?? '', /^\d+:\d{2}$/);
    await shot(page, '19-welder-work-arcing');
    await sleep(2_500);
    machine.releaseTrigger();
    // arc.stop carries the arc's current statistics: the page shows the finished arc with its current.
    await page.locator('[data-testid="work-phase"][data-phase="relay_closed"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('work-last-arc').waitFor({ timeout: 15_000 });
    assert.match((await page.getByTestId('work-last-arc').textContent()) ?? '', /平均电流 \d+ A，最大 \d+ A/);
    assert.match((await page.getByTestId('work-arcs').textContent()) ?? '', /已焊 1 次/);
    const today = page.getByTestId('today-work');
    await today.getByTestId('today-row').filter({ hasText: MACHINE_1.name }).getByText('进行中').waitFor();

    // Both languages on the light phone pages.
    await page.getByTestId('lang-switch').getByText('EN').click();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' }); // English loads on first use
    assert.equal(await phase.textContent(), 'Relay closed: the machine is powered');
    assert.equal(await page.getByTestId('end-work').textContent(), 'End work');
    await page.getByTestId('lang-switch').getByText('中文').click();
    await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('end-work').textContent(), '结束作业');

    // 结束作业: asked once more, then the grant is revoked and the machine's relay opens and it locks.
    await page.getByTestId('end-work').click();
    await page.getByTestId('end-work-confirm').waitFor();
    await shot(page, '20-welder-work-end-confirm');
    await page.getByTestId('end-work-yes').click();
    await waitFor('the relay to open on the simulator', () => !machine.snapshot().relayClosed, 10_000);
    await waitFor('the agent to lock', () => agent.state === 'locked', 10_000);
    await page.locator('[data-testid="work-phase"][data-phase="ended"]').waitFor({ timeout: 15_000 });
    assert.equal(await phase.textContent(), '作业已结束，焊机已断电上锁');
    assert.match((await page.getByTestId('work-ended').textContent()) ?? '', /焊工已结束作业，焊机上锁/);
    assert.equal(await page.getByTestId('end-work').count(), 0, 'no second end');
    assert.equal(
      await page.getByTestId('start-delivery').textContent(),
      '焊机已解锁',
      'the grant had reached the machine',
    );
    const ended = await api('GET', 'welder.zhang', `/api/arm-sessions/${answer.sessionId}`);
    assert.equal(ended.status, 'revoked');
    assert.equal(ended.revokeReason, 'WORK_ENDED');
    await waitFor(
      'the device state on the platform',
      async () => (await api('GET', 'hengda.admin', `/api/machines/${fx.machine1Id}/device`)).state === 'locked',
    );
    // Today's work: the machine, the permit, start–end and the arc time.
    const row = today.getByTestId('today-row').filter({ hasText: MACHINE_1.name });
    await row.getByText('已结束').waitFor();
    const rowText = (await row.textContent()) ?? '';
    assert.ok(rowText.includes('1号车间钢梁对接焊'), rowText);
    assert.match(rowText, /\d{2}:\d{2}–\d{2}:\d{2} · 焊接 \d+:\d{2}（1 次）/);
    const [day] = await api(
      'GET',
      'welder.zhang',
      `/api/arm-sessions?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
    );
    assert.equal(day.id, answer.sessionId);
    assert.ok(day.arcMs >= 1_000, `arc time ${day.arcMs} ms`);
    await shot(page, '21-welder-work-ended');
    await context.close();
  });

  it('raised no uncaught errors in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
