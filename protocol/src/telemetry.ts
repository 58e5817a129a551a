import { canonicalJson } from './canonical';
import { EVENT_BATCH_ENVELOPE_RESERVE_BYTES, EVENT_BATCH_MAX_EVENTS, MAX_MESSAGE_BYTES } from './constants';
import { DeviceEvent, SampleStats } from './messages';

/** min / max / mean / p95 (nearest-rank) of the samples of one arc; rounded to 0.1. */
export function summarizeSamples(samples: readonly number[]): SampleStats {
  if (samples.length === 0) throw new RangeError('summarizeSamples needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  return { min: round(sorted[0]), max: round(sorted[sorted.length - 1]), mean: round(mean), p95: round(p95) };
}

/**
 * Splits journaled events (in seq order) into batches of at most EVENT_BATCH_MAX_EVENTS events
 * whose events array leaves room for the envelope under MAX_MESSAGE_BYTES.
 */
export function batchEvents<E extends DeviceEvent>(
  events: readonly E[],
  maxEvents = EVENT_BATCH_MAX_EVENTS,
  maxBytes = MAX_MESSAGE_BYTES - EVENT_BATCH_ENVELOPE_RESERVE_BYTES,
): E[][] {
  const batches: E[][] = [];
  let current: E[] = [];
  let bytes = 2; // "[]"
  for (const event of events) {
    const size = Buffer.byteLength(canonicalJson(event), 'utf8') + 1;
    if (size + 2 > maxBytes) throw new RangeError(`event seq ${event.seq} alone exceeds the batch size limit`);
    if (current.length > 0 && (current.length >= maxEvents || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 2;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}
