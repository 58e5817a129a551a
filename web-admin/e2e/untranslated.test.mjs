// @ts-check
// Scans the rendered text of the main console and workspace pages, in Chinese, for what a user must never
// read: raw codes (UPPER_SNAKE, snake_case enum values), UUIDs, JSON, missing translation keys and the
// server's English messages. Run: node --test web-admin/e2e/untranslated.test.mjs (after building).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, launchBrowser, REPO_ROOT, startServer } from './harness.mjs';

const ZH = JSON.parse(readFileSync(join(REPO_ROOT, 'web-admin', 'src', 'i18n', 'zh-CN.json'), 'utf8'));
const NAMESPACES = Object.keys(ZH).join('|');

/** What gives away untranslated output, each with the name the failure lists it under. */
const TELLTALES = [
  ['code', /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g],
  ['enum value', /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g],
  ['UUID', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi],
  ['JSON', /[{[]\s*"[^"]+"\s*:|[{}]/g],
  ['dotted code', /\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b/g],
  ['translation key', new RegExp(`\\b(?:${NAMESPACES})\\.[A-Za-z_][\\w.]*`, 'g')],
  [
    'English server message',
    /\b(?:must (?:not )?be|should not|is not allowed|not found|Failed to fetch|Internal error|Request validation failed|already (?:exists|registered|taken))\b/gi,
  ],
];

/**
 * Pages whose rendering belongs to other work in progress (issue 14 §1/§2): scanned and reported, not failed,
 * so their findings are visible here without this test failing on them.
 *  - alerts: the alert list's who/what/where and the evidence layouts are being rewritten (branches alerts, records);
 *  - audit: actions, objects and before/after values are being rendered (branch records).
 */
const REPORT_ONLY = new Set(['/console/alerts', '/workspace/alerts', '/console/audit']);

const REGULATOR_PAGES = [
  '/console/overview',
  '/console/alerts',
  '/console/reports',
  '/console/hazards',
  '/console/off-platform',
  '/console/ledgers/enterprises',
  '/console/ledgers/machines',
  '/console/ledgers/welders',
  '/console/certificates/verification',
  '/console/welder-photos',
  '/console/permits',
  '/console/audit',
  '/console/blackouts',
  '/console/permit-rules',
];
const ENTERPRISE_PAGES = [
  '/workspace/overview',
  '/workspace/machines',
  '/workspace/welders',
  '/workspace/import',
  '/workspace/permits',
  '/workspace/alerts',
  '/workspace/hazards',
];

/** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
/** @type {import('playwright-core').Browser} */ let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The visible text of the loaded page, with form placeholders and tooltips (also read by users). */
async function renderedText(page, path) {
  await page.goto(path);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page
    .locator('.ant-spin-spinning, .ant-skeleton-active')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  return page.evaluate(() => {
    const attrs = [...document.querySelectorAll('[placeholder], [title], [aria-label]')].flatMap((el) =>
      ['placeholder', 'title', 'aria-label'].map((a) => el.getAttribute(a) ?? ''),
    );
    return [document.body.innerText, ...attrs].join('\n');
  });
}

/** @returns {string[]} "kind: match (… context …)" for each telltale found. */
function findings(text) {
  const out = new Set();
  for (const [kind, re] of TELLTALES)
    for (const m of text.matchAll(re)) {
      const at = m.index ?? 0;
      const context = text.slice(Math.max(0, at - 20), at + m[0].length + 20).replace(/\s+/g, ' ');
      out.add(`${kind}: ${m[0]}  (…${context}…)`);
    }
  return [...out];
}

async function scan(username, home, paths, t) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    baseURL: server.baseUrl,
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(home);
  const failed = [];
  for (const path of paths) {
    const text = await renderedText(page, path);
    // A page that failed to load would pass the scan with nothing on it.
    if (/加载失败|页面不存在/.test(text)) failed.push(`${path}: did not load`);
    const found = findings(text);
    if (!found.length) continue;
    if (REPORT_ONLY.has(path)) t.diagnostic(`${username} ${path} (report only):\n  ${found.join('\n  ')}`);
    else failed.push(`${path}:\n  ${found.join('\n  ')}`);
  }
  await context.close();
  assert.deepEqual(failed, [], `untranslated text seen by ${username}:\n${failed.join('\n')}`);
}

describe('no untranslated codes on the main pages (zh-CN)', () => {
  it('the self-check finds what it looks for', () => {
    const text =
      'ENTERPRISE_INACTIVE · fusion_welding · 1697a032-1b2c-4d5e-8f90-123456789abc · {"a":1} · alert.raise · alertType.FOO · must not be greater than 2000';
    assert.deepEqual(
      [...new Set(findings(text).map((f) => f.split(':')[0]))],
      ['code', 'enum value', 'UUID', 'JSON', 'dotted code', 'translation key', 'English server message'],
    );
    assert.deepEqual(findings('夏邑县恒达钢结构有限公司 · 额定电流 (A) · 2026-12-06 08:00 · 共 12 条'), []);
  });

  it('as the county regulator', async (t) => {
    await scan('xiayi.regulator', /\/console\/overview/, REGULATOR_PAGES, t);
  });

  it('as an enterprise admin', async (t) => {
    await scan('hengda.admin', /\/workspace\/overview/, ENTERPRISE_PAGES, t);
  });
});
