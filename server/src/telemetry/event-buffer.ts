/**
 * Collects event batches from many device messages and writes them together: a flush starts when
 * `maxEvents` are waiting or `maxDelayMs` after the first waiting batch, whichever comes first.
 * Each add() settles only when the flush holding it has committed (or failed), so the caller acks
 * exactly what is stored. Pure: the flush and the timer are injected (unit tests use fakes).
 */
export interface BufferOptions {
  maxEvents: number;
  maxDelayMs: number;
  /** Flushes running at once (each is one transaction). */
  maxConcurrent: number;
  /** Waiting events beyond this are refused (not acked), so a stalled database cannot exhaust memory. */
  maxQueuedEvents: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const DEFAULT_BUFFER_OPTIONS: BufferOptions = { maxEvents: 500, maxDelayMs: 50, maxConcurrent: 2, maxQueuedEvents: 100_000 };

export class BufferFullError extends Error {
  constructor() {
    super('telemetry buffer is full');
  }
}

interface Pending<I, R> {
  item: I;
  size: number;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class EventBuffer<I, R> {
  private queue: Pending<I, R>[] = [];
  private queued = 0;
  private running = 0;
  private timer: unknown = null;
  private readonly idle: (() => void)[] = [];
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly flush: (items: I[]) => Promise<R>,
    private readonly sizeOf: (item: I) => number,
    private readonly opts: BufferOptions = DEFAULT_BUFFER_OPTIONS,
  ) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /** Events waiting for a flush. */
  get pending(): number {
    return this.queued;
  }

  add(item: I): Promise<R> {
    const size = Math.max(1, this.sizeOf(item));
    if (this.queued + size > this.opts.maxQueuedEvents) return Promise.reject(new BufferFullError());
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, size, resolve, reject });
      this.queued += size;
      if (this.queued >= this.opts.maxEvents) this.drain();
      else if (this.timer === null) this.timer = this.setTimer(() => { this.timer = null; this.drain(); }, this.opts.maxDelayMs);
    });
  }

  /** Flushes everything waiting now and resolves when no flush is running. */
  async close(): Promise<void> {
    this.drain();
    if (this.running === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private drain(): void {
    if (this.timer !== null && this.queue.length > 0) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    while (this.running < this.opts.maxConcurrent && this.queue.length > 0) {
      const batch: Pending<I, R>[] = [];
      let events = 0;
      while (this.queue.length > 0 && (batch.length === 0 || events + this.queue[0].size <= this.opts.maxEvents)) {
        const next = this.queue.shift()!;
        batch.push(next);
        events += next.size;
      }
      this.queued -= events;
      this.running++;
      this.flush(batch.map((p) => p.item)).then(
        (r) => batch.forEach((p) => p.resolve(r)),
        (e) => batch.forEach((p) => p.reject(e)),
      ).finally(() => {
        this.running--;
        // Whatever arrived meanwhile has waited at least one flush: write it now.
        if (this.queue.length > 0) this.drain();
        else if (this.running === 0) this.idle.splice(0).forEach((f) => f());
      });
    }
  }
}
