import { RECONNECT_INITIAL_MS, RECONNECT_JITTER, RECONNECT_MAX_MS } from './constants';

/**
 * Delay before reconnect attempt `attempt` (0 = first retry): 1 s doubling to 60 s, ±20 % jitter so
 * that a county's devices do not reconnect in step after a broker restart. `random` ∈ [0, 1) is
 * passed in (Math.random in production, fixed in tests).
 */
export function reconnectDelayMs(attempt: number, random: number): number {
  const step = Math.max(0, Math.floor(attempt));
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_INITIAL_MS * 2 ** Math.min(step, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(base * (1 + RECONNECT_JITTER * (2 * r - 1)));
}
