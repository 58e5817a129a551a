// @ts-check
// The records people read, in Chromium against the real server with the Xiayi demo data: an alert's
// detail, the audit log, a device timeline and a permit's approval log. Each region is scanned for what
// must never reach a reader: UUIDs, JSON, raw codes, login names. Screenshots go to test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { apiGet, apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const { Client } = createRequire(import.meta.url)('pg');

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const SITE = { lat: 34.1721, lng: 116.0012 };
const MACHINE_1 = { serial: 'SD-WS400-240101', name: '1号车间氩弧焊机' };
const FULL_CHECKLIST = {
  combustiblesCleared15m: true,
  extinguishersInPlace: true,
  openingsCovered: true,
  equipmentIsolated: true,
  ppeInPlace: true,
};
const SIGNER = { unit_head: 'hengda.foreman', safety_department: 'hengda.safety' };
const WORK = '1号车间钢梁对接焊（记录测试）';

/** What a reader must never see in these regions. */
const RAW = [
  ['a UUID', /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i],
  ['JSON', /[{}]|"\w+"\s*:/],
  ['a snake_case code', /\b[a-z]+_[a-z_]+\b/],
  ['an UPPER_CASE code', /\b[A-Z]{2,}(?:_[A-Z]+)+\b/],
  ['a dotted action or login name', /\b[a-z]+\.[a-z_]+\b/],
  [
    'an English enum word',
    /\b(locked|armed|arcing|active|pending|expired|revoked|device|phone|submitted|approved|system)\b/,
  ],
];

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;
const shots = ensureScreenshotDir();
const pageErrors = [];
const tokens = /** @type {Record<string, string>} */ ({});
const fx = { machineId: '', permitId: '' };

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

async function open(username, landing) {
  const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
  return { context, page };
}

/** Fails naming the first forbidden thing found in the region's visible text. */
async function assertReadable(locator, what) {
  const text = (await locator.innerText()).trim();
  assert.ok(text.length > 0, `${what} is empty`);
  for (const [name, pattern] of RAW) {
    const hit = pattern.exec(text);
    assert.equal(hit, null, `${what} shows ${name}: "${hit?.[0]}" in\n${text}`);
  }
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const admin = await apiLogin(server.baseUrl, 'admin');
  const machines = await apiGet(server.baseUrl, admin, '/api/machines?pageSize=200');
  const m1 = machines.items.find((m) => m.serialNumber === MACHINE_1.serial);
  assert.ok(m1, 'demo machine seeded');
  fx.machineId = m1.id;
  const welders = await api('GET', 'hengda.admin', '/api/welders?pageSize=200');
  const zhang = welders.items.find((w) => w.realName === '张伟');
  const liu = welders.items.find((w) => w.realName === '刘洋');
  assert.ok(zhang && liu, 'demo welders seeded');

  // A permit signed through its chain: its approval log has a submission and each approver's step.
  const now = Date.now();
  const permit = await api('POST', 'hengda.admin', '/api/permits', {
    level: 'level2',
    workDescription: WORK,
    site: {
      address: '会亭镇工业园区纬一路8号 1号车间',
      point: SITE,
      geofence: { type: 'circle', center: SITE, radiusM: 80 },
    },
    plannedStart: new Date(now - 30_000).toISOString(),
    plannedEnd: new Date(now + 4 * 3_600_000).toISOString(),
    welderIds: [zhang.id],
    machineIds: [m1.id],
    fireWatcher: { personId: liu.id },
    checklist: FULL_CHECKLIST,
  });
  fx.permitId = permit.id;
  let state = await api('POST', 'hengda.admin', `/api/permits/${permit.id}/submit`);
  while (state.status === 'submitted')
    state = await api('POST', SIGNER[state.approval.nextPosition], `/api/permits/${permit.id}/approve`, {
      remark: '措施落实，同意',
    });
  await api('POST', 'hengda.admin', `/api/permits/${permit.id}/gas-analyses`, {
    takenAt: new Date(Date.now() - 60_000).toISOString(),
    gas: '甲烷',
    lelPercent: 5,
    readingPercentVol: 0.1,
    analyst: '李分析',
  });
  // 60 arcs on the machine, as the telemetry ingest stores them: more than the timeline's first page (50).
  const db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO arcs (chip_id, stop_seq, machine_id, welder_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz, authorized)
       SELECT 'CRECORDS000000000001', i, $1, $2, now() - i * interval '10 minutes', now() - i * interval '10 minutes' + interval '90 seconds',
              90000, '{"mean":121}', '{"mean":24.8}', 900, 10, true
       FROM generate_series(1, 60) i`,
      [m1.id, zhang.id],
    );
  } finally {
    await db.end();
  }
  // A phone start: a decision on the machine's timeline (refused: the demo machine has no chip yet).
  const code = (await api('GET', 'hengda.admin', `/api/codes/machines/${m1.id}`)).code;
  await api('POST', 'welder.zhang', '/api/arm-sessions', {
    machineCode: code,
    permitId: permit.id,
    position: { ...SITE, accuracyM: 8 },
  });
  // 59 earlier copies of that refusal: 60 decisions, more than the timeline's first page (50).
  const db2 = new Client({ connectionString: server.databaseUrl });
  await db2.connect();
  try {
    await db2.query(
      `CREATE TEMP TABLE copies AS SELECT d.*, i FROM decisions d, generate_series(1, 59) i WHERE d.machine_id = $1`,
      [m1.id],
    );
    await db2.query(
      `UPDATE copies SET id = gen_random_uuid(), at = at - i * interval '1 minute',
              request_id = left(request_id, 56) || '-' || i, nonce = left(nonce, 120) || '-' || i`,
    );
    await db2.query(`ALTER TABLE copies DROP COLUMN i`);
    const copied = await db2.query(`INSERT INTO decisions SELECT * FROM copies`);
    assert.equal(copied.rowCount, 59, 'the phone start left one decision to copy');
  } finally {
    await db2.end();
  }
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) console.log(server.log());
    await server.stop();
  }
});

describe('records read as words, not codes', () => {
  it('an alert detail (regulator): evidence laid out, the welder named and linked', async () => {
    const { context, page } = await open('xiayi.regulator', /\/console\/overview/);
    // The demo's certificates: one expires in days, one has expired (the certificate scanner raises both).
    // Filtered to them: the demo's overdue hazards raise alerts of their own, which name no welder.
    await page.goto('/console/alerts?type=CERTIFICATE_EXPIRED');
    await page.getByTestId('alert-detail-open').first().waitFor();
    await page.getByTestId('alert-detail-open').first().click();
    const drawer = page.getByTestId('alert-detail');
    await drawer.getByTestId('alert-evidence').first().waitFor();
    await drawer.getByTestId('link-welder').first().waitFor();
    await assertReadable(drawer, 'the alert detail');
    await shot(page, 'records-01-alert-detail');
    await drawer.getByTestId('link-welder').first().click();
    await page.locator('.ant-drawer-open').nth(1).waitFor();
    await context.close();
  });

  it('the audit log (regulator): actions, objects, people and changes in words; paged by cursor', async () => {
    const { context, page } = await open('xiayi.regulator', /\/console\/overview/);
    /** The audit list requests the page sends, with their query. */
    const auditQuery = (r) => {
      const u = new URL(r.url());
      return u.pathname === '/api/audit' ? u.searchParams : null;
    };
    const firstAnswer = page.waitForResponse((r) => !!auditQuery(r) && !auditQuery(r).has('cursor'));
    await page.goto('/console/audit');
    const first = await (await firstAnswer).json();
    const table = page.getByTestId('audit-page').locator('.ant-table').first();
    await table.locator('.ant-table-row').first().waitFor();
    const expanders = table.locator('.ant-table-row-expand-icon');
    for (let i = 0; i < Math.min(5, await expanders.count()); i++) await expanders.nth(i).click();
    await table.getByTestId('audit-changes').first().waitFor();
    await assertReadable(table.locator('tbody').first(), 'the audit log');
    assert.match(await table.innerText(), /系统（告警引擎）|恒达钢结构/);
    await shot(page, 'records-02-audit');

    // Newest 50, then "load more" asks for the entries after them by the server's cursor.
    assert.ok(first.nextCursor, `more than one page of audit entries (${first.total})`);
    // The log's own rows (the expanded changes hold tables of their own).
    const rows = table.locator('tbody').first().locator(':scope > tr.ant-table-row');
    assert.equal(await rows.count(), 50);
    const shown = (n) => new RegExp(`已显示 ${n} 条，${first.totalCapped ? '至少' : '共'} ${first.total} 条`);
    const more = page.getByTestId('audit-more');
    assert.match(await more.innerText(), shown(50));
    const lastOfFirst = await rows.nth(49).innerText();
    const secondAsked = page.waitForRequest((r) => auditQuery(r)?.get('cursor') === first.nextCursor);
    const secondAnswer = page.waitForResponse((r) => auditQuery(r)?.get('cursor') === first.nextCursor);
    await page.getByTestId('audit-load-more').click();
    await secondAsked;
    const second = await (await secondAnswer).json();
    const all = 50 + second.items.length;
    await rows.nth(all - 1).waitFor();
    assert.equal(await rows.count(), all);
    assert.match(await more.innerText(), shown(all));
    // The rows loaded are the second page's, after the first's (not the first page again).
    assert.equal(await rows.nth(49).innerText(), lastOfFirst);
    assert.ok(
      second.items.every((e) => !first.items.some((f) => f.id === e.id)),
      'the second page repeats none of the first',
    );

    // A filter starts again from the newest entry: no cursor, the first page of what it selects.
    const filtered = page.waitForRequest((r) => auditQuery(r)?.get('entityType') === 'permit');
    await page.getByTestId('audit-entity-filter').click();
    await page.keyboard.type('动火作业票');
    await page.keyboard.press('Enter');
    assert.equal(auditQuery(await filtered).has('cursor'), false);
    await rows.first().waitFor();
    assert.ok((await rows.count()) <= 50);
    await context.close();
  });

  it('a device timeline (enterprise): device, decisions, arcs (paged by cursor) and grants in words', async () => {
    const { context, page } = await open('hengda.admin', /\/workspace\/overview/);
    await page.goto('/workspace/machines');
    await page.getByRole('row').filter({ hasText: MACHINE_1.name }).getByRole('button', { name: '设备时间线' }).click();
    const drawer = page.getByTestId('machine-timeline');
    await drawer.waitFor();
    // The demo machine has no chip: the phone start was refused, so there is a decision and no grant.
    await drawer.getByRole('tab', { name: '授权判定' }).click();
    const decisions = drawer.getByTestId('timeline-decision');
    await decisions.first().waitFor({ state: 'attached' });
    assert.match(await decisions.first().innerText(), /芯片未绑定焊机 \(手机扫码\)/);
    // Decisions too: the newest 50, then the other 10 by the cursor (the first 50 again would make 100).
    assert.equal(await decisions.count(), 50);
    assert.match(await drawer.getByTestId('timeline-decisions-more').innerText(), /已显示 50 条，共 60 条/);
    await drawer.getByTestId('timeline-decisions-load-more').click();
    await drawer.getByTestId('timeline-decisions-load-more').waitFor({ state: 'detached' });
    assert.equal(await decisions.count(), 60);
    assert.match(await drawer.getByTestId('timeline-decisions-more').innerText(), /已显示 60 条，共 60 条/);
    // Arcs: the newest 50, then "load more" follows the server's cursor to the rest.
    await drawer.getByRole('tab', { name: '起弧记录' }).click();
    const arcs = drawer.getByTestId('timeline-arc');
    await arcs.nth(49).waitFor();
    assert.equal(await arcs.count(), 50);
    assert.match(await drawer.getByTestId('timeline-arcs-more').innerText(), /已显示 50 条，共 60 条/);
    await drawer.getByTestId('timeline-arcs-load-more').click();
    await arcs.nth(59).waitFor();
    assert.equal(await arcs.count(), 60);
    await drawer.getByTestId('timeline-arcs-load-more').waitFor({ state: 'detached' });
    assert.match(await drawer.getByTestId('timeline-arcs-more').innerText(), /已显示 60 条，共 60 条/);
    assert.match(await arcs.first().innerText(), /张伟 · 起弧 90 秒，平均 121 A \/ 24\.8 V/);
    await assertReadable(drawer, 'the arcs of the device timeline');
    await drawer.getByRole('tab', { name: '授权记录' }).click();
    await assertReadable(drawer, 'the device timeline');
    await shot(page, 'records-03-device-timeline');
    await context.close();
  });

  it("a permit's approval log (enterprise): who, in which position, did what, and when", async () => {
    const { context, page } = await open('hengda.admin', /\/workspace\/overview/);
    await page.goto('/workspace/permits');
    await page.getByRole('row').filter({ hasText: WORK }).click();
    const trail = page.getByTestId('permit-trail');
    await trail.waitFor();
    await assertReadable(trail, 'the approval log');
    const text = await trail.innerText();
    assert.match(text, /恒达钢结构安全科 提交申请/);
    assert.match(text, /动火点所在单位负责人 恒达钢结构车间主任 批准/);
    await shot(page, 'records-04-permit-trail');
    await context.close();
  });

  it('raised no uncaught errors in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
