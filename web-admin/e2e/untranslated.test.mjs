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

/** Pages scanned and reported without failing (none: every page is held to the rule). */
const REPORT_ONLY = new Set();

/** Every screen text of the Chinese UI (2+ Chinese characters, no placeholders): in English mode none may show. */
function chineseUiTexts(tree, out = new Set()) {
  for (const v of Object.values(tree)) {
    if (typeof v === 'string') {
      for (const part of v.split(/{{[^}]+}}/)) {
        const t = part.trim().replace(/^[，。：；、（）()·\s]+|[，。：；、（）()·\s]+$/g, '');
        if (/^[\u4e00-\u9fff]{3,}$/.test(t)) out.add(t);
      }
    } else chineseUiTexts(v, out);
  }
  return out;
}
const RECORDS_ZH = JSON.parse(readFileSync(join(REPO_ROOT, 'web-admin', 'src', 'i18n', 'records.zh-CN.json'), 'utf8'));
/** Words that are data in the demo as well as UI labels (region and industry names, the demo's own names). */
const DATA_WORDS = /夏邑|会亭|马头|恒达|宏远|县|镇|街道|制造|钢结构|制品业|建筑业/;
const ZH_UI = [...chineseUiTexts({ ...ZH, ...RECORDS_ZH })].filter((t) => !DATA_WORDS.test(t));

const REGULATOR_PAGES = [
  '/console/overview',
  '/console/alerts',
  '/console/reports',
  '/console/hazards',
  '/console/hazard-statistics',
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
  '/console/cases',
  '/console/rewards',
  '/console/inspections',
  '/i',
  '/console/registrations',
  '/console/accounts',
  '/console/security',
  '/console/notification-rules',
  '/console/notification-deliveries',
  '/console/notification-settings',
];
const ENTERPRISE_PAGES = [
  '/workspace/overview',
  '/workspace/machines',
  '/workspace/welders',
  '/workspace/import',
  '/workspace/permits',
  '/workspace/alerts',
  '/workspace/hazards',
  '/workspace/accounts',
  '/workspace/security',
  '/workspace/notification-settings',
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
    // translate="no" marks data that is a name, not text (user names such as hengda.admin): not scanned.
    const names = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[translate="no"]')]);
    for (const el of names) el.style.display = 'none';
    const body = document.body.innerText;
    for (const el of names) el.style.display = '';
    const attrs = [...document.querySelectorAll('[placeholder], [title], [aria-label]')].flatMap((el) =>
      ['placeholder', 'title', 'aria-label'].map((a) => el.getAttribute(a) ?? ''),
    );
    return [body, ...attrs].join('\n');
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

async function scan(username, home, paths, t, lang = 'zh-CN') {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: lang,
    baseURL: server.baseUrl,
  });
  if (lang === 'en') await context.addInitScript(() => localStorage.setItem('arcgate.lang', 'en'));
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(home);
  // The English pass must really be in English (texts loaded, switch applied), or it proves nothing.
  if (lang === 'en') await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  const failed = [];
  for (const path of paths) {
    const text = await renderedText(page, path);
    // A page that failed to load would pass the scan with nothing on it.
    if (/加载失败|页面不存在|Failed to load|Page not found/.test(text)) failed.push(`${path}: did not load`);
    const found = findings(text);
    if (lang === 'en')
      for (const zh of ZH_UI) if (text.includes(zh)) found.push(`Chinese UI text in English mode: ${zh}`);
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

describe('the English switch translates the main pages', () => {
  it('knows the Chinese screen texts it looks for', () => {
    assert.ok(ZH_UI.length > 300, String(ZH_UI.length));
    assert.ok(ZH_UI.includes('退出登录'));
  });

  it('as the county regulator', async (t) => {
    await scan('xiayi.regulator', /\/console\/overview/, REGULATOR_PAGES, t, 'en');
  });

  it('as an enterprise admin', async (t) => {
    await scan('hengda.admin', /\/workspace\/overview/, ENTERPRISE_PAGES, t, 'en');
  });
});
