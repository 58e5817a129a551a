/**
 * Diagnostic (BENCH_LOOP_LOG=<dir>): event-loop stalls over 10 ms and GC pauses over 3 ms, with
 * epoch times, one file per process (`loop-<role>-<pid>.tsv`: kind, epoch ms, ms). Loaded by the
 * bench itself and preloaded into the server, so that stalls in the per-request samples
 * (BENCH_SAMPLES) can be lined up with either process's pauses. This is how the server's full
 * collections were found to be the 250 req/s latency clusters (BENCHMARKS.md, session 4).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, threadId } from 'node:worker_threads';

const TICK_MS = 5;
const LAG_REPORT_MS = 10;
const GC_REPORT_MS = 3;
/** perf_hooks gc kinds: 1 scavenge, 2 minor mark-sweep, 4 mark-compact, 8 incremental marking, 16 weak callbacks. */
const GC_KINDS: Record<number, string> = {
  1: 'gc-scavenge',
  2: 'gc-minor-ms',
  4: 'gc-mark-compact',
  8: 'gc-incremental',
  16: 'gc-weak',
};

const dir = process.env.BENCH_LOOP_LOG;
if (dir) {
  // Worker threads inherit the preload; their loops (export zips, imports) stall by design and get files of their own.
  const role = `${process.env.BENCH_LOOP_ROLE ?? 'bench'}${isMainThread ? '' : `-worker${threadId}`}`;
  const file = join(dir, `loop-${role}-${process.pid}.tsv`);
  const lines: string[] = [];
  const epoch = (t: number) => (performance.timeOrigin + t).toFixed(1);
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const lag = now - last - TICK_MS;
    if (lag > LAG_REPORT_MS) lines.push(`lag\t${epoch(last)}\t${lag.toFixed(1)}`);
    last = now;
  }, TICK_MS).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (e.duration > GC_REPORT_MS)
        lines.push(`${GC_KINDS[kind] ?? `gc-${kind}`}\t${epoch(e.startTime)}\t${e.duration.toFixed(1)}`);
    }
  }).observe({ entryTypes: ['gc'] });
  const flush = () => {
    if (!lines.length) return;
    appendFileSync(file, `${lines.join('\n')}\n`);
    lines.length = 0;
  };
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}
