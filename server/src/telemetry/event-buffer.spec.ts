import { BufferFullError, EventBuffer } from './event-buffer';

type Item = { id: string; n: number };

/** A manual timer and a flush whose completion the test controls. */
function harness(
  opts: Partial<{
    maxEvents: number;
    maxDelayMs: number;
    maxConcurrent: number;
    maxQueuedEvents: number;
    maxWaitMs: number;
  }> = {},
) {
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const flushes: { items: Item[]; resolve: (r: string) => void; reject: (e: Error) => void }[] = [];
  const buffer = new EventBuffer<Item, string>(
    (items) => new Promise<string>((resolve, reject) => flushes.push({ items, resolve, reject })),
    (i) => i.n,
    {
      maxEvents: 10,
      maxDelayMs: 50,
      maxConcurrent: 1,
      maxQueuedEvents: 100,
      ...opts,
      setTimer: (fn, ms) => {
        const t = { fn, ms, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimer: (h) => {
        (h as { cleared: boolean }).cleared = true;
      },
    },
  );
  const fire = () =>
    timers
      .filter((t) => !t.cleared)
      .splice(0)
      .forEach((t) => {
        t.cleared = true;
        t.fn();
      });
  return { buffer, timers, flushes, fire };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('EventBuffer', () => {
  it('waits for the delay, then writes every waiting batch in one flush', async () => {
    const h = harness();
    const a = h.buffer.add({ id: 'a', n: 3 });
    const b = h.buffer.add({ id: 'b', n: 2 });
    expect(h.flushes).toHaveLength(0);
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0].ms).toBe(50);
    h.fire();
    expect(h.flushes.map((f) => f.items.map((i) => i.id))).toEqual([['a', 'b']]);
    h.flushes[0].resolve('stored-1');
    await expect(a).resolves.toBe('stored-1');
    await expect(b).resolves.toBe('stored-1');
    expect(h.buffer.pending).toBe(0);
  });

  it('flushes at once when maxEvents are waiting, without waiting for the timer', async () => {
    const h = harness();
    void h.buffer.add({ id: 'a', n: 6 });
    void h.buffer.add({ id: 'b', n: 4 });
    expect(h.flushes).toHaveLength(1);
    expect(h.flushes[0].items.map((i) => i.id)).toEqual(['a', 'b']);
    expect(h.timers[0].cleared).toBe(true);
  });

  it('never puts more than maxEvents in one flush and writes the rest after the running flush', async () => {
    const h = harness();
    void h.buffer.add({ id: 'a', n: 6 });
    void h.buffer.add({ id: 'b', n: 6 });
    expect(h.flushes).toHaveLength(1);
    expect(h.flushes[0].items.map((i) => i.id)).toEqual(['a']);
    h.flushes[0].resolve('1');
    await tick();
    expect(h.flushes.map((f) => f.items.map((i) => i.id))).toEqual([['a'], ['b']]);
  });

  it('rejects the batches of a failed flush, so that nothing of them is acknowledged', async () => {
    const h = harness();
    const a = h.buffer.add({ id: 'a', n: 1 });
    h.fire();
    h.flushes[0].reject(new Error('db down'));
    await expect(a).rejects.toThrow('db down');
    const b = h.buffer.add({ id: 'b', n: 1 });
    h.fire();
    h.flushes[1].resolve('ok');
    await expect(b).resolves.toBe('ok');
  });

  it('refuses new batches beyond maxQueuedEvents instead of growing without bound', async () => {
    const h = harness({ maxEvents: 1000, maxQueuedEvents: 5 });
    void h.buffer.add({ id: 'a', n: 4 });
    await expect(h.buffer.add({ id: 'b', n: 2 })).rejects.toBeInstanceOf(BufferFullError);
    expect(h.buffer.pending).toBe(4);
  });

  it('with maxWaitMs, holds a batch that does not fit until a flush makes room, then stores it', async () => {
    const h = harness({ maxEvents: 4, maxQueuedEvents: 4, maxConcurrent: 1, maxWaitMs: 3000 });
    const a = h.buffer.add({ id: 'a', n: 4 });
    // a is being flushed, so the queue has room again: b goes in at once.
    const b = h.buffer.add({ id: 'b', n: 4 });
    const c = h.buffer.add({ id: 'c', n: 2 });
    expect(h.buffer.pending).toBe(4);
    const waitTimer = h.timers.find((t) => t.ms === 3000 && !t.cleared)!;
    expect(waitTimer).toBeDefined();
    h.flushes[0].resolve('1');
    await expect(a).resolves.toBe('1');
    await tick();
    // b's flush started: c was admitted and its give-up timer cleared.
    expect(h.flushes.map((f) => f.items.map((i) => i.id))).toEqual([['a'], ['b']]);
    expect(waitTimer.cleared).toBe(true);
    expect(h.buffer.pending).toBe(2);
    h.flushes[1].resolve('2');
    await tick();
    expect(h.flushes[2].items.map((i) => i.id)).toEqual(['c']);
    h.flushes[2].resolve('3');
    await expect(b).resolves.toBe('2');
    await expect(c).resolves.toBe('3');
  });

  it('with maxWaitMs, refuses a waiting batch when no room came in time, and never waits beyond the cap', async () => {
    const h = harness({ maxEvents: 100, maxQueuedEvents: 5, maxWaitMs: 3000 });
    void h.buffer.add({ id: 'a', n: 5 });
    const b = h.buffer.add({ id: 'b', n: 3 });
    // Waiting batches are bounded too: b (3) + c (3) exceed the cap of 5.
    await expect(h.buffer.add({ id: 'c', n: 3 })).rejects.toBeInstanceOf(BufferFullError);
    h.timers.find((t) => t.ms === 3000)!.fn();
    await expect(b).rejects.toBeInstanceOf(BufferFullError);
    expect(h.buffer.pending).toBe(5);
  });

  it('close() writes what is waiting and resolves when the flush is done', async () => {
    const h = harness();
    const a = h.buffer.add({ id: 'a', n: 1 });
    let closed = false;
    const c = h.buffer.close().then(() => {
      closed = true;
    });
    expect(h.flushes).toHaveLength(1);
    await tick();
    expect(closed).toBe(false);
    h.flushes[0].resolve('done');
    await c;
    await expect(a).resolves.toBe('done');
  });
});
