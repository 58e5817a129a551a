/**
 * Diagnostic preload for the server process (BENCH_SQL_TRACE=<file>, written as <file>.<pid>): counts and times every SQL
 * statement by its text and writes the totals to <file> when the process exits. Used to find
 * per-request query counts on the hot paths; it adds overhead, so traced runs are not reported.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };

const out = process.env.BENCH_SQL_TRACE;
if (out) {
  const stats = new Map<string, { n: number; ms: number }>();
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function traced(this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ').trim().slice(0, 160);
    const t0 = performance.now();
    const done = () => {
      const s = stats.get(text) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t0;
      stats.set(text, s);
    };
    const r = original.apply(this, args);
    if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(done, done);
    else done();
    return r;
  };
  process.on('exit', () => {
    const rows = [...stats.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([sql, s]) => ({ n: s.n, ms: Math.round(s.ms), sql }));
    // One file per process: replicas and the launcher's children would overwrite each other's.
    writeFileSync(`${out}.${process.pid}`, JSON.stringify(rows, null, 1));
  });
}
