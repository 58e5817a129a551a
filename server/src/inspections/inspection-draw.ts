import { createHash } from 'node:crypto';

/**
 * 双随机 draw (issue 15 §2): which enterprises are inspected, and which two inspectors go to each.
 * Pure and deterministic: the same seed, candidates, weights and inspector list give the same result,
 * so anyone holding the recorded inputs (published on the plan's public page) can re-run it.
 *
 * Algorithm, fixed so that it can be re-implemented elsewhere:
 * - PRNG: SHA-256 in counter mode over the seed text: block n = SHA-256(seed + ":" + n); each block
 *   gives eight 32-bit big-endian words; a number in [0,1) is word / 2^32.
 * - Candidates are taken in ascending id order. Weight = 1 + openAlerts × wAlerts + min(days, 3650) / 365 × wDays
 *   (days since the last inspection; never inspected counts as 3650).
 * - Enterprises: weighted sampling without replacement (Efraimidis–Spirakis): one number u per candidate
 *   in that order, key = ln(u) / weight (the order of u^(1/weight)); the `size` largest keys win, in descending key order (ties: id).
 * - Inspectors: ascending id order; for each selected enterprise in draw order, two distinct inspectors
 *   by two numbers u1, u2: first = floor(u1 × n), second = the (floor(u2 × (n−1)))-th of the others.
 */
export interface DrawWeights {
  /** Weight of each open alert of the enterprise (0–10). */
  openAlerts: number;
  /** Weight of a year without inspection (0–10). */
  daysSinceInspection: number;
}

export interface DrawCandidate {
  enterpriseId: string;
  openAlerts: number;
  /** Null: never inspected. */
  daysSinceInspection: number | null;
}

export interface DrawnTarget {
  enterpriseId: string;
  weight: number;
  inspectorIds: [string, string];
}

export const NEVER_INSPECTED_DAYS = 3650;

export class SeededRandom {
  private block = 0;
  private words: number[] = [];

  constructor(private readonly seed: string) {}

  next(): number {
    if (!this.words.length) {
      const h = createHash('sha256').update(`${this.seed}:${this.block++}`).digest();
      for (let i = 0; i < 32; i += 4) this.words.push(h.readUInt32BE(i));
    }
    return this.words.shift()! / 2 ** 32;
  }
}

export function candidateWeight(c: DrawCandidate, w: DrawWeights): number {
  const days = Math.min(c.daysSinceInspection ?? NEVER_INSPECTED_DAYS, NEVER_INSPECTED_DAYS);
  return 1 + c.openAlerts * w.openAlerts + (days / 365) * w.daysSinceInspection;
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function drawInspection(
  seed: string,
  candidates: DrawCandidate[],
  weights: DrawWeights,
  inspectorIds: string[],
  size: number,
): DrawnTarget[] {
  if (inspectorIds.length < 2) throw new Error('two inspectors at least');
  const rnd = new SeededRandom(seed);
  const keyed = [...candidates]
    .sort((a, b) => byId(a.enterpriseId, b.enterpriseId))
    .map((c) => {
      const weight = candidateWeight(c, weights);
      const u = rnd.next();
      return { c, weight, key: Math.log(u === 0 ? Number.MIN_VALUE : u) / weight };
    });
  keyed.sort((a, b) => b.key - a.key || byId(a.c.enterpriseId, b.c.enterpriseId));
  const pool = [...new Set(inspectorIds)].sort(byId);
  return keyed.slice(0, size).map(({ c, weight }) => {
    const first = Math.floor(rnd.next() * pool.length);
    const others = pool.filter((_, i) => i !== first);
    const second = others[Math.floor(rnd.next() * others.length)];
    return {
      enterpriseId: c.enterpriseId,
      weight: Math.round(weight * 1000) / 1000,
      inspectorIds: [pool[first], second],
    };
  });
}
