import { performance } from 'node:perf_hooks';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles (ms) of a latency sample. */
export function summarize(samples: number[]): LatencySummary {
  if (!samples.length) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(samples).sort();
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return {
    count: s.length,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: s[s.length - 1],
    mean: samples.reduce((a, b) => a + b, 0) / s.length,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Calls `fire(i)` for i = 0..count-1 at `ratePerS` overall (10 ms ticks, catching up after a slow
 * tick), stopping at `count` or at `deadlineMs`, whichever first. Returns how many were fired.
 */
export async function atRate(
  count: number,
  ratePerS: number,
  deadlineMs: number,
  fire: (i: number) => void,
): Promise<number> {
  const start = performance.now();
  let fired = 0;
  while (fired < count) {
    const elapsed = performance.now() - start;
    if (elapsed > deadlineMs) break;
    const due = Math.min(count, Math.floor((elapsed / 1000) * ratePerS) + 1);
    while (fired < due) fire(fired++);
    await sleep(10);
  }
  return fired;
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function withConcurrency<T>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Resolves when `done()` is true, or rejects-free with false at the deadline. */
export async function waitFor(done: () => boolean, timeoutMs: number, pollMs = 20): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > until) return false;
    await sleep(pollMs);
  }
  return true;
}

export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
