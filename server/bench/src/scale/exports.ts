import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { describeMachine, newWorkDir, startServer } from '../environment';
import { SCALE_USERS } from './generate';
import { login, Scope } from './latency';
import { scaleSecrets } from './secrets';

/**
 * The streamed ledger exports on a scale database (issue 19): time to the first byte and to the last,
 * the server's RSS sampled every 50 ms while each runs (flat whatever the row count), and the latency
 * of a cheap request (GET /api/health) meanwhile, which the export must not delay.
 *
 *   npm run build && npx tsc -p tsconfig.bench.json && EXPORTS_DB=<a copy of arcgate_scale_county> node bench/dist/scale/exports.js
 *
 * Run it on a copy: the server migrates the database it starts on.
 */
const log = (s: string) => console.log(`[exports ${new Date().toISOString().slice(11, 19)}] ${s}`);
const LEDGERS = (process.env.EXPORTS_LEDGERS ?? 'machines,welders,enterprises').split(',');
const SCOPES = (process.env.EXPORTS_SCOPES ?? 'county,province').split(',') as Scope[];

/** RSS of the server: the launcher and its device and api processes (the export runs in the api one). */
function rssMb(pid: number): number {
  try {
    const own = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    let mb = own ? Number(own[1]) / 1024 : 0;
    for (const task of readdirSync(`/proc/${pid}/task`))
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean))
        mb += rssMb(Number(child));
    return mb;
  } catch {
    return 0; // a process (or thread) that ended while being read
  }
}

interface Sample {
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  status: number;
}

function download(url: string, token: string): Promise<Sample> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let ttfbMs = NaN;
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        if (!bytes) ttfbMs = performance.now() - t0;
        bytes += c.length;
      });
      res.on('end', () => resolve({ ttfbMs, totalMs: performance.now() - t0, bytes, status: res.statusCode! }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function total(baseUrl: string, token: string, ledger: string): Promise<number> {
  const r = await fetch(`${baseUrl}/api/${ledger}?pageSize=1`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await r.json()) as { total: number }).total;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

async function main(): Promise<void> {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const u = new URL(admin);
  u.pathname = `/${process.env.EXPORTS_DB ?? 'exports_county'}`;
  const machine = describeMachine();
  log(`${machine.nproc} × ${machine.cpuModel}, ${machine.memory}`);
  const server = await startServer(newWorkDir().dir, u.toString(), scaleSecrets(), { SEED_DEMO_DATA: 'false' });
  const pid = server.child.pid!;
  // A server is up well before its first export: its export worker has loaded by then (warm-up).
  await new Promise((r) => setTimeout(r, Number(process.env.EXPORTS_SETTLE_MS ?? 10_000)));
  const lines = [
    '| scope | export | rows (list total) | status | first byte ms | total ms | MB | RSS before MB | RSS max during MB | health p50 / max ms | load 1m |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const scope of SCOPES) {
      const token = await login(server.httpUrl, SCALE_USERS[scope]);
      for (const ledger of LEDGERS) {
        const rows = await total(server.httpUrl, token, ledger);
        const before = rssMb(pid);
        let max = before;
        const health: number[] = [];
        let running = true;
        const sampler = setInterval(() => {
          max = Math.max(max, rssMb(pid));
        }, 50);
        const prober = (async () => {
          while (running) {
            const t = performance.now();
            await fetch(`${server.httpUrl}/api/health`).then((r) => r.arrayBuffer());
            health.push(performance.now() - t);
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        const s = await download(`${server.httpUrl}/api/ledgers/${ledger}/export.xlsx`, token);
        running = false;
        clearInterval(sampler);
        await prober;
        const line = `| ${scope} | ${ledger}.xlsx | ${rows.toLocaleString('en')} | ${s.status} | ${s.ttfbMs.toFixed(0)} | ${s.totalMs.toFixed(0)} | ${(s.bytes / 1e6).toFixed(1)} | ${before.toFixed(0)} | ${max.toFixed(0)} | ${pct(health, 50).toFixed(0)} / ${Math.max(...health).toFixed(0)} | ${loadavg()[0].toFixed(2)} |`;
        lines.push(line);
        log(line);
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`\n${lines.join('\n')}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
