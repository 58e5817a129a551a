/** Periodic work, injectable so the board can run on fake time in tests. */
export interface Scheduler {
  /** Calls fn every ms milliseconds until the returned cancel function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};

/** A scheduler driven by hand: advance(ms) runs every due tick in time order. */
export class ManualScheduler implements Scheduler {
  private nowMs = 0;
  private nextId = 0;
  private readonly tasks = new Map<number, { ms: number; due: number; fn: () => void }>();

  every(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.tasks.set(id, { ms, due: this.nowMs + ms, fn });
    return () => this.tasks.delete(id);
  }

  get activeTasks(): number {
    return this.tasks.size;
  }

  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      let nextId: number | null = null;
      let nextDue = Infinity;
      for (const [id, t] of this.tasks) {
        if (t.due <= end && t.due < nextDue) {
          nextDue = t.due;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const task = this.tasks.get(nextId)!;
      this.nowMs = task.due;
      task.due += task.ms;
      task.fn();
    }
    this.nowMs = end;
  }
}
