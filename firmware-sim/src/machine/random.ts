/** A source of uniform numbers in [0, 1); injectable so the model is reproducible. */
export type Random = () => number;

/** mulberry32: tiny, fast, good enough for sensor noise, and the same sequence for the same seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Approximately standard-normal noise (Irwin–Hall of four uniforms, rescaled to σ = 1, bounded ±3.5). */
export function gaussian(random: Random): number {
  return (random() + random() + random() + random() - 2) * Math.sqrt(3);
}
