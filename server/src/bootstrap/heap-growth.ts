import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's heap growing factor to 1 + percent/100 (0 leaves V8's own dynamic factor).
 *
 * Why: under device load V8's dynamic factor settled near 1.2 for this server, so at 250 arm
 * requests/s, with ~1 MB/s promoted to the old generation, a full mark-compact ran about every 5 s.
 * Each one (about 100 ms of incremental marking, concurrent marking on the other core, then a
 * 7-15 ms pause) held up ~20-50 requests by 30-80 ms: most of the bench's remaining latency misses.
 * With a factor of 2 the 250 req/s phase ran without one (BENCHMARKS.md); the cost is up to twice
 * the live heap (~70 MB here) in memory. The flag is read at every full collection, so setting it
 * at start-up takes effect from the next one on.
 */
export function applyHeapGrowth(percent: number, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}
