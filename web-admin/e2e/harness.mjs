// @ts-check
// Starts the built server (server/dist) on free ports with its embedded PostgreSQL (or a fresh
// database on DATABASE_URL) and embedded MQTT broker, and a headless Chromium via playwright-core.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots');
export const DEMO_PASSWORD = 'ArcGate#2026';

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** A database of its own on an external PostgreSQL, so a run never touches existing data. */
async function freshDatabase(adminUrl) {
  const { Client } = require('pg');
  const name = `arcgate_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}

/** Spawns the built server on fresh ports and waits until /api/health answers with no start-up work pending. */
async function launch(main, dataDir, db, opts) {
  const [port, pgPort, mqttPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBEDDED_PG_PORT: String(pgPort),
    MQTT_PORT: String(mqttPort),
    DATA_DIR: dataDir,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    SEED_DEMO_DATA: 'true',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100',
    ...opts.env,
  };
  delete env.MQTT_URL;
  if (db) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;

  const state = { output: '' };
  const child = spawn(process.execPath, [main], {
    cwd: join(REPO_ROOT, 'server'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => {
    state.output += d;
  });
  child.stderr.on('data', (d) => {
    state.output += d;
  });
  const exited = new Promise((res) => child.once('exit', res));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      return {
        ok: false,
        exited,
        error: new Error(`The server exited during start-up (code ${child.exitCode}):\n${state.output.slice(-4000)}`),
      };
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      // The tests read what the start-up scans raise (certificate alerts): wait until that work is done too.
      if (res.ok && !(await res.json()).startup?.pending?.length) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not become healthy within 120 s:\n${state.output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    ok: true,
    child,
    exited,
    port,
    pgPort,
    mqttPort,
    get output() {
      return state.output;
    },
  };
}

/**
 * @typedef {{ baseUrl: string, mqttUrl: string, databaseUrl: string, log: () => string, stop: () => Promise<void> }} RunningServer
 * @param {{ env?: Record<string, string> }} [opts] extra environment of the server (e.g. the map's tile provider)
 * @returns {Promise<RunningServer>}
 */
export async function startServer(opts = {}) {
  const main = join(REPO_ROOT, 'server', 'dist', 'main.js');
  const index = join(REPO_ROOT, 'web-admin', 'dist', 'index.html');
  for (const [file, what] of [
    [main, 'server'],
    [index, 'web UI'],
  ]) {
    if (!existsSync(file))
      throw new Error(
        `The ${what} is not built (${file} missing): run \`npm run build\` at the repository root first.`,
      );
  }
  // Free ports are picked, then bound by the server: another process can take one in between (seen on a busy
  // machine). A start that fails on EADDRINUSE is tried again on fresh ports, a fresh data dir and database;
  // any other failure is reported.
  let started, dataDir, db;
  for (let attempt = 1; ; attempt++) {
    dataDir = mkdtempSync(join(tmpdir(), 'arcgate-e2e-'));
    // As root, embedded PostgreSQL runs as its own OS user, which must be able to reach dataDir/pg.
    chmodSync(dataDir, 0o711);
    db = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : null;
    started = await launch(main, dataDir, db, opts);
    if (started.ok) break;
    await started.exited;
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    if (!/EADDRINUSE/.test(started.error.message) || attempt >= 3) throw started.error;
  }
  const { child, exited, port, pgPort, mqttPort } = started;
  const output = () => started.output;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    // The embedded broker that devices connect to (the server takes MQTT_PORT when it is free).
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    // The server's database, for fixtures the API cannot make (the embedded one: server/src/bootstrap/embedded-postgres.ts).
    databaseUrl: db?.url ?? `postgres://postgres:arcgate@127.0.0.1:${pgPort}/arcgate`,
    log: output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Headless Debian Chromium; Playwright gives every launch a fresh temporary profile (user data dir).
 * @param {string[]} [extraArgs] more Chromium switches, e.g. a fake camera
 */
export async function launchBrowser(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`No Chromium at ${executablePath}: run web-admin/scripts/ensure-chromium.sh or set CHROMIUM_PATH.`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
}

export function ensureScreenshotDir() {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return SCREENSHOT_DIR;
}

/** Logs in through the API (for reading fixtures such as a machine's code). */
export async function apiLogin(baseUrl, username) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`API login ${username}: ${res.status} ${await res.text()}`);
  return /** @type {{ accessToken: string }} */ (await res.json()).accessToken;
}

export async function apiGet(baseUrl, token, path) {
  const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.headers.get('content-type')?.includes('json') ? res.json() : Buffer.from(await res.arrayBuffer());
}

/**
 * Picks the option reading `text` in the antd Select `select` and waits until the Select shows it.
 * A click on an option while the list still slides in can be lost (the option stays unpicked, the list
 * open: seen as CI's "必填" when a form was then submitted), so the list's motion is waited out and a
 * lost click is tried again.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} select
 * @param {string} text
 */
export async function pickOption(page, select, text) {
  // The open list: not hidden, and not another Select's list on its way out.
  const list = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden):not([class*="-leave"])');
  // The Select's own text: the picked label (single) or its tag (multiple).
  const picked = select.filter({ hasText: text });
  for (let attempt = 1; ; attempt++) {
    const open = await select.evaluate(
      (el) => el.classList.contains('ant-select-open') || !!el.querySelector('.ant-select-open'),
    );
    if (!open) await select.click();
    await list.first().waitFor();
    await page.waitForFunction(
      () => !document.querySelector('.ant-select-dropdown[class*="-appear"], .ant-select-dropdown[class*="-enter"]'),
    );
    await list.locator('.ant-select-item-option', { hasText: text }).first().click();
    try {
      await picked.first().waitFor({ timeout: 2_000 });
      return;
    } catch (e) {
      if (attempt === 3) throw new Error(`the option "${text}" did not stay picked after 3 clicks`, { cause: e });
    }
  }
}

/**
 * Submits a modal form and waits for the page it leads to. The click waits until the modal has finished
 * opening (a click while it zooms in can land nowhere); a refusal shows as a toast, whose words the test then
 * fails with instead of a bare time-out; a submit that neither navigates nor is refused is clicked once more.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} button
 * @param {RegExp} url
 */
export async function submitModalTo(page, button, url) {
  await page.waitForFunction(
    () => !document.querySelector('.ant-modal[class*="-appear"], .ant-modal[class*="-enter"]'),
  );
  const refused = page.locator('.ant-message-error');
  for (let attempt = 1; ; attempt++) {
    await button.click();
    const outcome = await Promise.race([
      page.waitForURL(url, { timeout: 10_000 }).then(() => 'navigated'),
      refused
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => 'refused'),
    ]).catch(() => 'nothing');
    if (outcome === 'navigated') return;
    if (outcome === 'refused') throw new Error(`the form was refused: ${(await refused.allInnerTexts()).join(' / ')}`);
    const loading = (await button.count()) > 0 && /ant-btn-loading/.test((await button.getAttribute('class')) ?? '');
    if (loading) {
      // Submitted and still waiting for the server: no second submit.
      await page.waitForURL(url, { timeout: 20_000 });
      return;
    }
    if (attempt === 2 || (await button.count()) === 0)
      throw new Error(`no navigation to ${url} and no refusal after ${attempt} clicks (now at ${page.url()})`);
  }
}
