import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { LatencySummary, summarize } from '../stats';
import { SCALE_USERS } from './generate';
import { SCALE_PASSWORD } from './secrets';

export type Scope = keyof typeof SCALE_USERS;
export const SCOPES: Scope[] = ['province', 'county', 'township', 'enterprise'];

export interface Context {
  /** A busy machine in the enterprise user's enterprise (for the machine timeline). */
  machineId: string;
  enterpriseId: string;
}

export interface Endpoint {
  name: string;
  /** One or more paths fetched at once (the machine timeline is five requests in parallel, as the drawer makes them). */
  paths: (c: Context) => string[];
  /** A list or overview the issue's p95 target applies to. */
  target: boolean;
  /**
   * A deep page reached the way the UI reaches it, by following nextCursor: before timing, the list
   * is walked (untimed, in large pages) to the position after `rows` rows for each user, and the
   * timed call is the one request with that cursor.
   */
  cursorAfter?: { path: string; rows: number };
}

const month = (d: Date) => d.toISOString().slice(0, 7);
const now = new Date();

export const ENDPOINTS: Endpoint[] = [
  { name: 'stats overview', paths: () => ['/api/stats/overview'], target: true },
  { name: 'off-platform report', paths: () => ['/api/stats/off-platform'], target: true },
  { name: 'off-platform silent machines', paths: () => ['/api/off-platform/silent-machines'], target: true },
  { name: 'off-platform unpermitted machines', paths: () => ['/api/off-platform/unpermitted-machines'], target: true },
  { name: 'off-platform ranking', paths: () => ['/api/off-platform/ranking'], target: true },
  { name: 'alerts', paths: () => ['/api/alerts'], target: true },
  { name: 'alerts, open critical', paths: () => ['/api/alerts?state=open&severity=critical'], target: true },
  { name: 'alerts summary', paths: () => ['/api/alerts/summary'], target: true },
  { name: 'enterprises', paths: () => ['/api/enterprises'], target: true },
  { name: 'enterprises, industry + search', paths: () => ['/api/enterprises?industry=建筑业&q=焊接'], target: true },
  { name: 'machines', paths: () => ['/api/machines'], target: true },
  { name: 'machines, no chip', paths: () => ['/api/machines?hasChip=false'], target: true },
  { name: 'machines, page 500', paths: () => ['/api/machines?page=500'], target: true },
  { name: 'welders', paths: () => ['/api/welders'], target: true },
  { name: 'welders, cert. expiring 90 d', paths: () => ['/api/welders?certificateState=expiring_90d'], target: true },
  { name: 'welders, search', paths: () => ['/api/welders?q=焊工12'], target: true },
  {
    name: 'machine timeline (5 requests)',
    paths: (c) => [
      `/api/machines/${c.machineId}`,
      `/api/alerts?machineId=${c.machineId}`,
      `/api/decisions?machineId=${c.machineId}`,
      `/api/grants?machineId=${c.machineId}`,
      `/api/arcs?machineId=${c.machineId}`,
    ],
    target: true,
  },
  { name: 'permits', paths: () => ['/api/permits'], target: true },
  { name: 'permits, active', paths: () => ['/api/permits?status=active'], target: true },
  { name: 'audit', paths: () => ['/api/audit'], target: true },
  {
    name: 'audit, page 500',
    paths: () => ['/api/audit?page=500'],
    cursorAfter: { path: '/api/audit', rows: 499 * 20 },
    target: true,
  },
  { name: 'arcs', paths: () => ['/api/arcs'], target: true },
  {
    name: 'arcs, page 500',
    paths: () => ['/api/arcs?page=500'],
    cursorAfter: { path: '/api/arcs', rows: 499 * 20 },
    target: true,
  },
  { name: 'decisions', paths: () => ['/api/decisions'], target: true },
  { name: 'decisions, denied', paths: () => ['/api/decisions?allowed=false'], target: true },
  {
    name: 'decisions, page 500',
    paths: () => ['/api/decisions?page=500'],
    cursorAfter: { path: '/api/decisions', rows: 499 * 20 },
    target: true,
  },
  { name: 'grants', paths: () => ['/api/grants'], target: true },
  { name: 'reports', paths: () => ['/api/reports'], target: true },
  { name: 'hazard statistics', paths: () => ['/api/hazards/statistics'], target: true },
  {
    name: 'enforcement statistics (12 months)',
    paths: () => [`/api/cases/statistics?from=${month(new Date(now.getTime() - 330 * 86_400_000))}&to=${month(now)}`],
    target: true,
  },
];

export interface Measured {
  endpoint: string;
  scope: Scope;
  /** HTTP status of the first answer (403/404: not this user's endpoint). */
  status: number;
  runs: number;
  latency: LatencySummary;
  /** `total` of the first page, when the answer is a page. */
  total?: number;
}

export async function login(baseUrl: string, username: string): Promise<string> {
  const r = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: SCALE_PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: HTTP ${r.status} ${await r.text()}`);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

export async function context(databaseUrl: string): Promise<Context> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ machine_id: string; enterprise_id: string }>(
      `SELECT a.machine_id, u.enterprise_id FROM users u JOIN machines m ON m.enterprise_id = u.enterprise_id
       JOIN LATERAL (SELECT count(*) AS n, max(machine_id::text)::uuid AS machine_id FROM arcs WHERE machine_id = m.id) a ON true
       WHERE u.username = $1 ORDER BY a.n DESC LIMIT 1`,
      [SCALE_USERS.enterprise],
    );
    return { machineId: rows[0].machine_id, enterpriseId: rows[0].enterprise_id };
  } finally {
    await db.end();
  }
}

/**
 * The paths one user calls for an endpoint: for a deep cursor page, the list walked to its position
 * first (200 rows a request; the cursor names the last row, whatever the page size). When the list
 * ends before that depth, its OFFSET path is kept (an empty page, as the UI would never ask for).
 */
export async function pathsFor(baseUrl: string, token: string, e: Endpoint, ctx: Context): Promise<string[]> {
  if (!e.cursorAfter) return e.paths(ctx);
  const { path, rows } = e.cursorAfter;
  let cursor: string | null = null;
  for (let done = 0; done < rows;) {
    const size = Math.min(200, rows - done);
    const r = await fetch(`${baseUrl}${path}?pageSize=${size}${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(180_000),
    });
    if (r.status !== 200) return e.paths(ctx);
    const page = (await r.json()) as { items: unknown[]; nextCursor?: string | null };
    if (!page.nextCursor) return e.paths(ctx);
    cursor = page.nextCursor;
    done += size;
  }
  return [`${path}?cursor=${cursor}`];
}

/** One timed call (all its paths at once); the status is the worst of the answers. */
async function call(
  baseUrl: string,
  token: string,
  paths: string[],
): Promise<{ ms: number; status: number; total?: number }> {
  const t = performance.now();
  const answers = await Promise.all(
    paths.map(async (p) => {
      const r = await fetch(`${baseUrl}${p}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(180_000),
      });
      const body = await r.text();
      let total: number | undefined;
      if (r.status === 200 && body.startsWith('{')) total = (JSON.parse(body) as { total?: number }).total;
      return { status: r.status, total };
    }),
  );
  return {
    ms: performance.now() - t,
    status: Math.max(...answers.map((a) => a.status)),
    total: answers[0].total,
  };
}

/**
 * Each endpoint `runs` times in a row per user (after one untimed warm-up call). An endpoint whose
 * warm-up takes over `slowMs` is timed 3 times only, so that a province run finishes the same day.
 */
export async function measureEndpoints(
  baseUrl: string,
  tokens: Record<Scope, string>,
  ctx: Context,
  o: { runs: number; slowMs: number; only?: RegExp },
  log: (s: string) => void,
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const e of ENDPOINTS) {
    if (o.only && !o.only.test(e.name)) continue;
    for (const scope of SCOPES) {
      const paths = await pathsFor(baseUrl, tokens[scope], e, ctx);
      const warm = await call(baseUrl, tokens[scope], paths);
      if (warm.status >= 300) {
        out.push({ endpoint: e.name, scope, status: warm.status, runs: 0, latency: summarize([]) });
        continue;
      }
      const runs = warm.ms > o.slowMs ? 3 : o.runs;
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) ms.push((await call(baseUrl, tokens[scope], paths)).ms);
      const m = { endpoint: e.name, scope, status: warm.status, runs, latency: summarize(ms), total: warm.total };
      out.push(m);
      log(
        `  ${e.name} [${scope}]: p50 ${m.latency.p50.toFixed(0)} p95 ${m.latency.p95.toFixed(0)} p99 ${m.latency.p99.toFixed(0)} ms (${runs} runs${m.total !== undefined ? `, total ${m.total}` : ''})`,
      );
    }
  }
  return out;
}

/** Regulator load for the side-by-side authorization run: province and county users cycling through the lists until stopped. */
/** Loops over every endpoint as one user, as the UI would call them, while `running()`; the calls made. */
export async function regulatorLoop(
  baseUrl: string,
  token: string,
  ctx: Context,
  running: () => boolean,
): Promise<number> {
  let calls = 0;
  // Deep cursor pages are walked to once, outside the loop: the loop's calls are the UI's requests.
  const paths = await Promise.all(ENDPOINTS.map((e) => pathsFor(baseUrl, token, e, ctx).catch(() => e.paths(ctx))));
  while (running())
    for (const p of paths) {
      if (!running()) break;
      await call(baseUrl, token, p).catch(() => undefined);
      calls++;
    }
  return calls;
}

/**
 * The province and county users looping over every endpoint, each in its own worker thread. They stand
 * for browsers on other machines: their HTTP and JSON work must not hold up this event loop, which
 * times the simulated devices' arm round trips (it did until 2026-12-07). They still share the CPU, at nice 19.
 */
export function regulatorLoad(
  baseUrl: string,
  tokens: Record<Scope, string>,
  ctx: Context,
): { stop(): Promise<number> } {
  const workers = [tokens.province, tokens.county].map(
    (token) => new Worker(join(__dirname, 'regulator-load.worker.js'), { workerData: { baseUrl, token, ctx } }),
  );
  return {
    async stop() {
      const counts = await Promise.all(
        workers.map(
          (w) =>
            new Promise<number>((resolve, reject) => {
              w.once('message', (calls: number) => resolve(calls));
              w.once('error', reject);
              w.postMessage('stop');
            }),
        ),
      );
      await Promise.all(workers.map((w) => w.terminate()));
      return counts.reduce((a, b) => a + b, 0);
    },
  };
}

export function markdownTable(results: Measured[]): string {
  const rows = ['| endpoint | scope | p50 ms | p95 ms | p99 ms | runs | total |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    if (r.runs === 0) {
      rows.push(`| ${r.endpoint} | ${r.scope} | HTTP ${r.status} | | | 0 | |`);
      continue;
    }
    const f = (v: number) => v.toFixed(0);
    rows.push(
      `| ${r.endpoint} | ${r.scope} | ${f(r.latency.p50)} | ${f(r.latency.p95)} | ${f(r.latency.p99)} | ${r.runs} | ${r.total ?? ''} |`,
    );
  }
  return rows.join('\n');
}
