// @ts-check
// The console screens of enforcement cases and rewards (issue 15 §3-4), in Chromium against the built server with
// the Xiayi demo data.
// 1. 会亭镇 opens a case from a hazard at 恒达 in the hazard drawer: a fine and the suspension of one machine (the
//    machine leaves 'active' and the machine ledger marks it "立案暂停"), then closes it lifting the suspension.
// 2. The county sets the reward amount in the rule table; 会亭镇 proposes the reward of a confirmed report from the
//    report drawer; the proposer's approve button is disabled with the reason shown; the county approves; 会亭镇
//    records the payment; the reporter's status page shows the reward paid.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiLogin, DEMO_PASSWORD, ensureScreenshotDir, launchBrowser, pickOption, startServer } from './harness.mjs';

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true };
/** What a user must never read: UPPER_SNAKE codes, snake_case enum values, UUIDs. */
const RAW =
  /\b[A-Z]+(?:_[A-Z]+)+\b|\b[a-z]+(?:_[a-z]+)+\b|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

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

async function call(method, path, token, body) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function must(method, path, token, body) {
  const r = await call(method, path, token, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function session(username) {
  const context = await browser.newContext({ ...DESKTOP, baseURL: server.baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/console\/overview/);
  return { context, page, errors };
}

async function assertReadable(locator, what) {
  const text = await locator.innerText();
  assert.ok(!RAW.test(text), `${what} shows a raw code or id: ${text.match(RAW)?.[0]}`);
}

describe('enforcement case from a hazard: fine and machine suspension, closed with the suspension lifted', () => {
  it('opens the case in the hazard drawer, marks the machine in the ledger, and closes it', async () => {
    const token = await apiLogin(server.baseUrl, 'huiting.regulator');
    const steel = (await must('GET', `/api/enterprises?q=${encodeURIComponent('恒达')}`, token)).items[0];
    const machine = (await must('GET', `/api/machines?enterpriseId=${steel.id}&status=active&pageSize=5`, token))
      .items[0];
    assert.ok(machine, '恒达 has an active machine');
    const hazard = await must('POST', '/api/hazards', token, {
      enterpriseId: steel.id,
      category: 'no_hot_work_permit',
      level: 'general',
      description: '督导检查发现：未办理动火作业票擅自焊接钢架',
      machineId: machine.id,
    });

    const { context, page, errors } = await session('huiting.regulator');
    await page.goto(`/console/hazards?open=${hazard.id}`);
    await page.getByTestId('hazard-open-case').click();
    const form = page.getByTestId('case-form');
    await form.waitFor();
    // Prefilled from the hazard: its description as the facts and its machine to suspend.
    assert.equal(await page.getByTestId('case-facts').inputValue(), '督导检查发现：未办理动火作业票擅自焊接钢架');
    assert.ok((await page.getByTestId('case-machines').innerText()).includes(machine.serialNumber));
    await page.getByTestId('case-legal-basis').fill('《中华人民共和国安全生产法》第一百零一条');
    // A fine needs its amount: submitting without one is refused with a rendered message.
    await page.getByTestId('case-fine').check();
    await page.getByTestId('case-submit').click();
    await form.getByText('请填写罚款金额').waitFor();
    await page.getByTestId('case-fine-amount').fill('20000');
    await page.getByTestId('case-second-name').fill('王建国');
    await page.getByTestId('case-second-role').fill('主要负责人');
    await page.getByTestId('case-submit').click();

    // The new case opens in the case list's drawer.
    await page.waitForURL(/\/console\/cases\?open=/);
    const detail = page.getByTestId('case-detail');
    await detail.getByTestId('case-state').filter({ hasText: '办理中' }).waitFor();
    await detail.getByTestId('case-fine').filter({ hasText: '20,000 元' }).waitFor();
    const text = await detail.innerText();
    for (const part of [
      '罚款',
      '暂停使用焊机',
      '王**（主要负责人）',
      '《中华人民共和国安全生产法》第一百零一条',
      machine.serialNumber,
      '停用',
    ])
      assert.ok(text.includes(part), `${part} in the case: ${text}`);
    assert.ok(!text.includes('王建国'), 'the second party is shown masked');
    await assertReadable(detail, 'the case');
    await page.screenshot({ path: join(shots, '82-case-detail.png'), fullPage: true });
    assert.equal((await must('GET', `/api/machines/${machine.id}`, token)).status, 'suspended');

    // The source link leads back to the hazard.
    assert.match((await detail.getByTestId('case-source-hazard').getAttribute('href')) ?? '', new RegExp(hazard.id));

    // The machine ledger marks the machine as suspended by a case.
    await page.goto(`/console/ledgers/machines?q=${encodeURIComponent(machine.serialNumber)}`);
    await page.getByTestId('machine-case-suspension').first().waitFor();

    // The list with its filters: a fine this month at 会亭镇.
    await page.goto('/console/cases');
    await pickOption(page, page.getByTestId('cases-decision-filter'), '罚款');
    const row = page
      .getByTestId('cases-table')
      .locator('tr', { hasText: '恒达' })
      .filter({ hasText: '罚款 20,000 元' });
    await row.first().waitFor();
    await page.locator('h2', { hasText: '立案处罚' }).click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
    await assertReadable(page.getByTestId('cases-table'), 'the case list');
    await page.screenshot({ path: join(shots, '81-cases.png'), fullPage: true });

    // Close it, lifting the suspension.
    await row.first().click();
    await page.getByTestId('case-close-note').fill('罚款已缴纳，整改完成，结案');
    await page
      .getByTestId('case-lift')
      .isChecked()
      .then((c) => assert.ok(c, 'lifting is proposed by default'));
    await page.getByTestId('case-close').click();
    await detail.getByTestId('case-state').filter({ hasText: '已结案' }).waitFor();
    assert.ok((await detail.innerText()).includes('结案时已解除暂停'));
    assert.equal((await must('GET', `/api/machines/${machine.id}`, token)).status, 'active');

    // In English the case reads in English, with no code or id.
    const caseUrl = page.url();
    await page.evaluate(() => localStorage.setItem('arcgate.lang', 'en'));
    await page.goto(caseUrl);
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await detail.getByTestId('case-state').filter({ hasText: 'Closed' }).waitFor();
    const en = await detail.innerText();
    for (const part of ['Fine', 'Machine suspension', 'Lifted on closure', '20,000 yuan'])
      assert.ok(en.includes(part), `${part} in the English case: ${en}`);
    await assertReadable(detail, 'the English case');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('enforcement case from an inspection target', () => {
  it('opens a warning case from the plan drawer and links back to the plan', async () => {
    const token = await apiLogin(server.baseUrl, 'xiayi.regulator');
    const plan = await must('POST', '/api/inspection-plans', token, {
      title: '控制台立案测试检查计划',
      regionCode: '411426',
      periodStart: '2026-12-01',
      periodEnd: '2026-12-31',
      sampleSize: 200,
      weights: { openAlerts: 1, daysSinceInspection: 1 },
    });
    const target = plan.targets.find((x) => x.enterpriseName.includes('恒达'));
    assert.ok(target, '恒达 was drawn');

    const { context, page, errors } = await session('xiayi.regulator');
    await page.goto(`/console/inspections?open=${plan.id}`);
    await page.getByTestId(`plan-target-case-${target.position}`).click();
    const form = page.getByTestId('case-form');
    await form.getByText(`第 ${target.position} 号检查对象`).waitFor();
    await page.getByTestId('case-legal-basis').fill('《中华人民共和国安全生产法》第九十七条');
    await page.getByTestId('case-facts').fill('现场检查发现特种作业人员未持证上岗');
    await page.getByTestId('case-warning').check();
    await page.getByTestId('case-submit').click();
    await page.waitForURL(/\/console\/cases\?open=/);
    const detail = page.getByTestId('case-detail');
    await detail.getByTestId('case-state').filter({ hasText: '办理中' }).waitFor();
    const text = await detail.innerText();
    for (const part of ['执法检查', '警告', '控制台立案测试检查计划', '恒达'])
      assert.ok(text.includes(part), `${part} in the case: ${text}`);
    await assertReadable(detail, 'the case from an inspection');
    await detail.getByTestId('case-source-inspection').click();
    await page.waitForURL(/\/console\/inspections\?open=/);
    await page.getByTestId('plan-detail').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('report → reward in the console: proposed, approved by a second regulator, paid; the reporter sees it', () => {
  it('runs the reward through the console and shows it paid on the status page', async () => {
    const township = await apiLogin(server.baseUrl, 'huiting.regulator');
    const steel = (await must('GET', `/api/enterprises?q=${encodeURIComponent('恒达')}`, township)).items[0];
    const receipt = await must('POST', '/api/public/reports', null, {
      description: '会亭镇工业园恒达厂区有人无证焊接钢架（控制台奖励测试）',
      regionCode: '411426100',
    });
    const report = (await must('GET', '/api/reports?pageSize=50', township)).items.find(
      (r) => r.trackingCode === receipt.trackingCode,
    );
    for (const to of ['verifying', 'verified'])
      await must('POST', `/api/reports/${report.id}/transition`, township, { to, note: '现场核实属实' });
    await must('POST', `/api/hazards/from-report/${report.id}`, township, {
      category: 'unlicensed_welding',
      level: 'major',
      enterpriseId: steel.id,
    });

    // The county sets the amount for a major unlicensed-welding hazard in the rule table.
    const county = await session('xiayi.regulator');
    await county.page.goto('/console/rewards');
    await county.page.getByTestId('rewards-tab-rules').click();
    await county.page.getByTestId('reward-rule-unlicensed_welding-major').fill('800');
    await county.page.getByTestId('reward-rule-save-unlicensed_welding-major').click();
    await county.page
      .getByTestId('reward-rules')
      .locator('tr', { hasText: '无证焊接' })
      .filter({ hasText: '800 元' })
      .waitFor();

    // 会亭镇 proposes the reward from the report drawer.
    const town = await session('huiting.regulator');
    let page = town.page;
    await page.goto(`/console/reports?open=${report.id}`);
    await page.getByTestId('report-reward-propose').click();
    await page.getByTestId('report-reward-state').filter({ hasText: '待审批' }).waitFor();
    await page.getByTestId('report-reward-link').click();
    await page.waitForURL(/\/console\/rewards\?open=/);
    const detail = page.getByTestId('reward-detail');
    await detail.getByTestId('reward-amount').filter({ hasText: '800 元' }).waitFor();
    // The proposer may not approve: the button is disabled and says why.
    assert.ok(await page.getByTestId('reward-approve').isDisabled(), 'the proposer cannot approve');
    await page.getByTestId('reward-approve-blocked').filter({ hasText: '须由另一名监管人员审批' }).waitFor();
    await assertReadable(detail, 'the proposed reward');
    const rewardId = new URL(page.url()).searchParams.get('open');
    // The server holds the rule too: the proposer's approval is refused.
    const self = await call('POST', `/api/rewards/${rewardId}/approve`, township);
    assert.equal(self.status, 403);

    // The county approves.
    page = county.page;
    await page.goto('/console/rewards');
    await page.getByTestId('rewards-table').locator('tr', { hasText: receipt.trackingCode }).click();
    await page.getByTestId('reward-approve').click();
    await page.getByTestId('reward-state').filter({ hasText: '已审批待发放' }).waitFor();

    // 会亭镇 records the payment.
    page = town.page;
    await page.reload();
    await page.getByTestId('reward-payment-reference').fill('WX20261206-0081');
    await page.getByTestId('reward-pay').click();
    await page.getByTestId('reward-state').filter({ hasText: '已发放' }).waitFor();
    assert.ok((await detail.innerText()).includes('WX20261206-0081'));
    await page.keyboard.press('Escape');
    await pickOption(page, page.getByTestId('rewards-state-filter'), '已发放');
    await page.getByTestId('rewards-table').locator('tr', { hasText: receipt.trackingCode }).waitFor();
    await page.locator('h2', { hasText: '举报奖励' }).click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
    await assertReadable(page.getByTestId('rewards-table'), 'the reward list');
    await page.screenshot({ path: join(shots, '83-rewards.png'), fullPage: true });
    assert.deepEqual(town.errors, []);
    assert.deepEqual(county.errors, []);
    await town.context.close();
    await county.context.close();

    // The reporter's status page shows the reward paid, without the payment reference.
    const phone = await browser.newContext({ ...PHONE, baseURL: server.baseUrl });
    const reporter = await phone.newPage();
    await reporter.goto(`/report/status?code=${receipt.trackingCode}`);
    const shown = reporter.getByTestId('status-reward');
    await shown.waitFor();
    assert.match((await shown.textContent()) ?? '', /奖励 800 元已于 .+ 发放/);
    assert.ok(!(await reporter.content()).includes('WX20261206-0081'));
    await phone.close();
  });
});
