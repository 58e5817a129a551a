// @ts-check
// Enforcement cases (issue 15 §3) against the built server with the Xiayi demo data: 会亭镇 registers a hazard at
// 恒达 and opens a case with a fine and the suspension of one machine (the machine leaves 'active'), closes it
// lifting the suspension (the machine is active again); the county's enforcement statistics page shows the
// fine for 会亭镇 and the zero-penalty townships. The case goes through the API here; the console's case screens
// are driven in e2e/cases-rewards.test.mjs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, startServer } from './harness.mjs';

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

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

async function must(method, path, token, body) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('hazard → case with fine and machine suspension → close → statistics', () => {
  it('suspends the machine while the case is open, lifts it on closure, and counts the fine', async () => {
    const township = await apiLogin(server.baseUrl, 'huiting.regulator');
    const steel = (await must('GET', `/api/enterprises?q=${encodeURIComponent('恒达')}`, township)).items[0];
    const machine = (await must('GET', `/api/machines?enterpriseId=${steel.id}&status=active&pageSize=5`, township))
      .items[0];
    assert.ok(machine, '恒达 has an active machine');
    const hazard = await must('POST', '/api/hazards', township, {
      enterpriseId: steel.id,
      category: 'no_hot_work_permit',
      level: 'general',
      description: '督导检查发现：未办理动火作业票焊接',
    });
    const opened = await must('POST', '/api/cases', township, {
      hazardId: hazard.id,
      legalBasis: '《中华人民共和国安全生产法》第一百零一条',
      facts: '未办理动火作业票擅自焊接',
      fineYuan: 20000,
      suspendMachineIds: [machine.id],
      secondParty: { name: '王建国', role: '主要负责人' },
    });
    assert.equal(opened.secondParty.nameMasked, '王**');
    assert.equal((await must('GET', `/api/machines/${machine.id}`, township)).status, 'suspended');
    await must('POST', `/api/cases/${opened.id}/close`, township, { note: '罚款已缴纳，结案', liftSuspension: true });
    assert.equal((await must('GET', `/api/machines/${machine.id}`, township)).status, 'active');

    const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/login');
    await page.getByTestId('username').fill('xiayi.regulator');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/console\/overview/);
    await page.goto('/console/enforcement-statistics');
    const table = page.getByTestId('enforcement-stats');
    const row = table.getByRole('row').filter({ hasText: '会亭镇' }).filter({ hasText: '20,000' });
    await row.first().waitFor();
    assert.ok((await table.getByText('零处罚').count()) > 0, 'zero-penalty townships are visible');
    await page.screenshot({ path: join(shots, '71-enforcement-statistics.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
