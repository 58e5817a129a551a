import type { BoundChip, ChipsRepository } from './chips.repository';
import { BOUND_CACHE_MS, BOUND_CACHE_NOTIFIED_MS, ChipsService } from './chips.service';

const CHIP = 'C0123456789ABCDEFGHJK';

/** A repository whose lookups stay open until released, counting the queries it was sent. */
function slowRepository() {
  let queries = 0;
  const waiting: (() => void)[] = [];
  const repo = {
    findBoundByChipId: (chipId: string) => {
      queries++;
      return new Promise<BoundChip | null>((resolve) =>
        waiting.push(() => resolve({ chipId, machineId: 'm', enterpriseId: 'e' } as unknown as BoundChip)),
      );
    },
  };
  return {
    repo: repo as unknown as ChipsRepository,
    queries: () => queries,
    release: () => waiting.splice(0).forEach((r) => r()),
  };
}

function service(repo: ChipsRepository): ChipsService {
  // The lookup uses only the repository.
  const unused = {} as never;
  return new ChipsService(repo, unused, unused, unused, unused, unused, unused, unused);
}

describe('ChipsService.findBoundByChipId', () => {
  it('sends one query for a burst of lookups of the same chip (a flood on an expired entry costs one query)', async () => {
    const r = slowRepository();
    const chips = service(r.repo);
    const burst = Array.from({ length: 200 }, () => chips.findBoundByChipId(CHIP));
    expect(r.queries()).toBe(1);
    r.release();
    const found = await Promise.all(burst);
    expect(found.every((b) => b?.machineId === 'm')).toBe(true);
    // Answered from the cache afterwards.
    await chips.findBoundByChipId(CHIP);
    expect(r.queries()).toBe(1);
  });

  it('asks again once the lookup in flight has ended and the entry expired', async () => {
    const r = slowRepository();
    const chips = service(r.repo);
    const first = chips.findBoundByChipId(CHIP);
    r.release();
    await first;
    const realNow = Date.now;
    Date.now = () => realNow() + 60_000;
    try {
      const again = chips.findBoundByChipId(CHIP);
      expect(r.queries()).toBe(2);
      r.release();
      await again;
    } finally {
      Date.now = realNow;
    }
  });

  it('does not cache an answer that was in flight when the chip was unbound: it asks again', async () => {
    const r = slowRepository();
    const chips = service(r.repo);
    const unbound: string[] = [];
    chips.onUnbound((c) => unbound.push(c));
    const inFlight = chips.findBoundByChipId(CHIP);
    expect(r.queries()).toBe(1);
    // The unbind commits while the lookup (which read the row before it) is still on its way.
    chips.forgetUnbound(CHIP);
    expect(unbound).toEqual([CHIP]);
    r.release();
    // The stale "bound" answer is not returned: the lookup was asked again.
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.queries()).toBe(2);
    r.release();
    await inFlight;
    // And whatever the second query says is what the cache holds: nothing older.
    expect(r.queries()).toBe(2);
  });

  it('drops every cached binding when told that notifications may have been missed', async () => {
    const r = slowRepository();
    const chips = service(r.repo);
    const first = chips.findBoundByChipId(CHIP);
    r.release();
    await first;
    chips.forgetAll();
    const again = chips.findBoundByChipId(CHIP);
    expect(r.queries()).toBe(2);
    r.release();
    await again;
  });

  describe('how long a lookup is kept', () => {
    const realNow = Date.now;
    let offset = 0;
    beforeEach(() => {
      offset = 0;
      Date.now = () => realNow() + offset;
    });
    afterEach(() => {
      Date.now = realNow;
    });

    /** Looks the chip up, answering any query it sends; returns how many queries it took. */
    async function lookUp(chips: ChipsService, r: ReturnType<typeof slowRepository>): Promise<number> {
      const before = r.queries();
      const found = chips.findBoundByChipId(CHIP);
      r.release();
      await found;
      return r.queries() - before;
    }

    it('keeps a binding for minutes while unbinds are heard, and seconds once they are not', async () => {
      const r = slowRepository();
      const chips = service(r.repo);
      chips.invalidationsLive(true);
      expect(await lookUp(chips, r)).toBe(1);
      // A heartbeat 30 s later (and 9 min later) is answered from the cache.
      offset = 30_000;
      expect(await lookUp(chips, r)).toBe(0);
      offset = BOUND_CACHE_NOTIFIED_MS - 1_000;
      expect(await lookUp(chips, r)).toBe(0);
      offset = BOUND_CACHE_NOTIFIED_MS + 1;
      expect(await lookUp(chips, r)).toBe(1);
      // The listener loses its connection: the entry just cached is trusted for the short time only.
      chips.invalidationsLive(false);
      offset += BOUND_CACHE_MS + 1;
      expect(await lookUp(chips, r)).toBe(1);
    });

    it('keeps "not bound" for seconds even while listening (a bind elsewhere announces nothing)', async () => {
      let queries = 0;
      const repo = {
        findBoundByChipId: () => {
          queries++;
          return Promise.resolve(null);
        },
      } as unknown as ChipsRepository;
      const chips = service(repo);
      chips.invalidationsLive(true);
      await chips.findBoundByChipId(CHIP);
      offset = BOUND_CACHE_MS + 1;
      await chips.findBoundByChipId(CHIP);
      expect(queries).toBe(2);
    });

    it('forgets a binding whose machine moved to another enterprise', async () => {
      const r = slowRepository();
      const chips = service(r.repo);
      const unbound: string[] = [];
      chips.onUnbound((c) => unbound.push(c));
      chips.invalidationsLive(true);
      expect(await lookUp(chips, r)).toBe(1);
      chips.forgetMoved(CHIP);
      expect(await lookUp(chips, r)).toBe(1);
      // A move is not an unbind: nobody's session is ended for it.
      expect(unbound).toEqual([]);
    });
  });
});
