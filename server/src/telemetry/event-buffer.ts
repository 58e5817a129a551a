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
  /** Waiting events beyond this are held back (see maxWaitMs), so a stalled database cannot exhaust memory. */
  maxQueuedEvents: number;
  /**
   * How long a batch that does not fit may wait for room before it is refused (0: refused at once).
   * Waiting rather than refusing keeps a device from timing out and re-sending a batch that would
   * have been stored a moment later; waiting batches are bounded by maxQueuedEvents as well.
   */
  maxWaitMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Sized for a fleet of ~1,000+ devices with one batch (≤ 100 events) each in flight, plus their re-sends:
 * larger flushes cost little more than small ones (a handful of statements each), and 4 at once keep
 * PostgreSQL busy while the event loop verifies the next batches. A full buffer delays a batch for
 * less than the device's ack time-out (EVENTS_ACK_TIMEOUT_MS 5 s) before refusing it.
 */
export const DEFAULT_BUFFER_OPTIONS: BufferOptions = {
  maxEvents: 2_500,
  maxDelayMs: 25,
  maxConcurrent: 4,
  maxQueuedEvents: 250_000,
  maxWaitMs: 3_000,
};

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
  /** Batches waiting for room, oldest first, each with its give-up timer. */
  private waiting: (Pending<I, R> & { timer: unknown })[] = [];
  private waitingEvents = 0;
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
    if (this.waiting.length === 0 && this.queued + size <= this.opts.maxQueuedEvents) {
      return new Promise<R>((resolve, reject) => this.enqueue({ item, size, resolve, reject }));
    }
    const waitMs = this.opts.maxWaitMs ?? 0;
    if (waitMs <= 0 || this.waitingEvents + size > this.opts.maxQueuedEvents)
      return Promise.reject(new BufferFullError());
    return new Promise<R>((resolve, reject) => {
      const entry = { item, size, resolve, reject, timer: null as unknown };
      entry.timer = this.setTimer(() => {
        const i = this.waiting.indexOf(entry);
        if (i < 0) return;
        this.waiting.splice(i, 1);
        this.waitingEvents -= size;
        reject(new BufferFullError());
      }, waitMs);
      this.waiting.push(entry);
      this.waitingEvents += size;
    });
  }

  private enqueue(p: Pending<I, R>): void {
    this.queue.push(p);
    this.queued += p.size;
    this.schedule();
  }

  private schedule(): void {
    if (this.queued >= this.opts.maxEvents) this.drain();
    else if (this.timer === null && this.queue.length > 0)
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.drain();
      }, this.opts.maxDelayMs);
  }

  /** Moves waiting batches into the queue, oldest first, while they fit; true when any moved. */
  private admitWaiting(): boolean {
    let moved = false;
    while (this.waiting.length > 0 && this.queued + this.waiting[0].size <= this.opts.maxQueuedEvents) {
      const next = this.waiting.shift()!;
      this.waitingEvents -= next.size;
      this.clearTimer(next.timer);
      this.queue.push({ item: next.item, size: next.size, resolve: next.resolve, reject: next.reject });
      this.queued += next.size;
      moved = true;
    }
    return moved;
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
      this.flush(batch.map((p) => p.item))
        .then(
          (r) => batch.forEach((p) => p.resolve(r)),
          (e) => batch.forEach((p) => p.reject(e)),
        )
        .finally(() => {
          this.running--;
          // Whatever arrived meanwhile has waited at least one flush: write it now.
          if (this.queue.length > 0) this.drain();
          else if (this.running === 0) this.idle.splice(0).forEach((f) => f());
        });
    }
    // Starting a flush made room: let waiting batches in (oldest first).
    if (this.admitWaiting()) this.schedule();
  }
}
