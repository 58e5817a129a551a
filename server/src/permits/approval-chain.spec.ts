import {
  ApproverPosition as P,
  chainsBelowMinimum,
  containsInOrder,
  instantiateChain,
  mergeChains,
  PLATFORM_MINIMUM_CHAINS,
  readChains,
} from './approval-chain';
import { PermitLevel } from './permit-levels';

const U = P.UnitHead,
  S = P.SafetyDepartment,
  R = P.Principal;

describe('approval chains', () => {
  it('containsInOrder: steps may be added between, none dropped or reordered', () => {
    expect(containsInOrder([U, S, R], [U, S, R])).toBe(true);
    expect(containsInOrder([U, U, S, S, R, R], [U, S, R])).toBe(true);
    expect(containsInOrder([U], [U, S, R])).toBe(false);
    expect(containsInOrder([R, S, U], [U, S, R])).toBe(false);
    expect(containsInOrder([U, R, S], [U, S, R])).toBe(false);
    expect(containsInOrder([], [U])).toBe(false);
  });

  it('mergeChains is a shortest chain containing both, in order', () => {
    for (const [a, b] of [
      [[U], [U, S, R]],
      [
        [S, S],
        [U, S],
      ],
      [
        [R, U],
        [U, S, R],
      ],
      [[], [U]],
      [[U, S, R], []],
    ] as P[][][]) {
      const m = mergeChains(a, b);
      expect(containsInOrder(m, a) && containsInOrder(m, b)).toBe(true);
      expect(m.length).toBeLessThanOrEqual(a.length + b.length);
    }
    expect(mergeChains([U], [U, S, R])).toEqual([U, S, R]);
    expect(mergeChains([R, U], [U, S, R])).toHaveLength(4);
  });

  it('instantiateChain never goes below the minimum and keeps what the enterprise added', () => {
    expect(instantiateChain(null, [U, S])).toEqual([U, S]);
    expect(instantiateChain([U, S, S], [U, S])).toEqual([U, S, S]);
    expect(instantiateChain([U], [U, S, R])).toEqual([U, S, R]);
  });

  it('readChains trusts nothing stored: {} , [] and foreign values give null per level', () => {
    expect(readChains({})).toEqual({ special: null, level1: null, level2: null });
    expect(readChains([])).toEqual({ special: null, level1: null, level2: null });
    expect(readChains({ special: ['boss'], level1: [], level2: [U] })).toEqual({
      special: null,
      level1: null,
      level2: [U],
    });
  });

  it('chainsBelowMinimum names the weakened levels (特级 without the principal)', () => {
    expect(chainsBelowMinimum({ ...PLATFORM_MINIMUM_CHAINS, special: [U] }, PLATFORM_MINIMUM_CHAINS)).toEqual([
      PermitLevel.Special,
    ]);
    expect(chainsBelowMinimum(PLATFORM_MINIMUM_CHAINS, PLATFORM_MINIMUM_CHAINS)).toEqual([]);
    expect(PLATFORM_MINIMUM_CHAINS.special.at(-1)).toBe(R);
  });
});
