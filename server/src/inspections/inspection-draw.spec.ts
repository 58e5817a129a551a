import { candidateWeight, drawInspection, DrawCandidate, SeededRandom } from './inspection-draw';

const ent = (n: number, openAlerts = 0, days: number | null = null): DrawCandidate => ({
  enterpriseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  openAlerts,
  daysSinceInspection: days,
});
const candidates = Array.from({ length: 20 }, (_, i) => ent(i + 1, i % 3, i % 2 ? 30 * i : null));
const inspectors = ['c', 'a', 'd', 'b', 'e'];
const weights = { openAlerts: 1, daysSinceInspection: 1 };

describe('双随机 draw', () => {
  it('is a fixed sequence for a seed (SHA-256 counter mode)', () => {
    const a = new SeededRandom('seed-1');
    const b = new SeededRandom('seed-1');
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new SeededRandom('seed-2').next()).not.toBe(xs[0]);
  });

  it('gives the same result for the same inputs, whatever their order', () => {
    const one = drawInspection('plan-seed-42', candidates, weights, inspectors, 5);
    const two = drawInspection('plan-seed-42', [...candidates].reverse(), weights, [...inspectors].reverse(), 5);
    expect(two).toEqual(one);
    expect(drawInspection('plan-seed-43', candidates, weights, inspectors, 5)).not.toEqual(one);
  });

  it('draws distinct enterprises and two distinct inspectors each', () => {
    for (let s = 0; s < 50; s++) {
      const d = drawInspection(`s${s}`, candidates, weights, inspectors, 8);
      expect(d).toHaveLength(8);
      expect(new Set(d.map((x) => x.enterpriseId)).size).toBe(8);
      for (const t of d) {
        expect(t.inspectorIds[0]).not.toBe(t.inspectorIds[1]);
        expect(inspectors).toEqual(expect.arrayContaining(t.inspectorIds));
      }
    }
  });

  it('weights open alerts and time since the last inspection', () => {
    expect(candidateWeight(ent(1, 3, 0), { openAlerts: 2, daysSinceInspection: 0 })).toBe(7);
    expect(candidateWeight(ent(1, 0, 730), { openAlerts: 0, daysSinceInspection: 1 })).toBe(3);
    expect(candidateWeight(ent(1, 0, null), { openAlerts: 0, daysSinceInspection: 1 })).toBe(11);
    // One enterprise with many open alerts among nineteen without: drawn far more often than 1 in 20.
    const pool = [ent(1, 10, 0), ...Array.from({ length: 19 }, (_, i) => ent(i + 2, 0, 0))];
    let hits = 0;
    for (let s = 0; s < 200; s++)
      if (
        drawInspection(`w${s}`, pool, { openAlerts: 10, daysSinceInspection: 0 }, inspectors, 1)[0].enterpriseId ===
        pool[0].enterpriseId
      )
        hits++;
    expect(hits).toBeGreaterThan(150);
    // With the weights at 0 it is one in twenty.
    let flat = 0;
    for (let s = 0; s < 200; s++)
      if (
        drawInspection(`w${s}`, pool, { openAlerts: 0, daysSinceInspection: 0 }, inspectors, 1)[0].enterpriseId ===
        pool[0].enterpriseId
      )
        flat++;
    expect(flat).toBeLessThan(30);
  });

  it('needs two inspectors', () => {
    expect(() => drawInspection('x', candidates, weights, ['a'], 1)).toThrow();
  });
});
