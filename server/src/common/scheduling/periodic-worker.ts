import { Logger } from '@nestjs/common';

export interface PeriodicWorkerOptions {
  /** What a run does, for the log line of a failed run ("<what> failed: ..."). */
  what: string;
  everyMs: number;
  run: () => Promise<unknown>;
  /** The owner's logger, so that its lines keep the owner's context. */
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Level of the failed-run line; 'error' unless the next run is expected to fix it. */
  failureLevel?: 'warn' | 'error';
}

/**
 * One periodic job: at most one run at a time (a tick that finds the previous run still going is
 * skipped), a failed run logged here and the next tick run as usual, an unref'd timer (it never keeps
 * the process alive), and stop() that waits for the run in flight.
 */
export class PeriodicWorker {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private everyMs: number;

  constructor(private readonly opts: PeriodicWorkerOptions) {
    this.everyMs = opts.everyMs;
  }

  get running(): boolean {
    return this.inFlight !== null;
  }

  /** Starts ticking every `everyMs`; the first tick comes after one period (use runNow for one at once). */
  start(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.runNow(), this.everyMs);
    this.timer.unref();
  }

  /** Restarts the timer with another period; a run in flight goes on. */
  setPeriod(ms: number): void {
    this.everyMs = ms;
    this.start();
  }

  /** One guarded run now; when a run is already going, waits for it instead of starting another. Never rejects. */
  runNow(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const run = this.runOnce().finally(() => {
      this.inFlight = null;
    });
    this.inFlight = run;
    return run;
  }

  /** No further ticks; resolves once the run in flight (if any) has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private async runOnce(): Promise<void> {
    try {
      await this.opts.run();
    } catch (e) {
      const line = `${this.opts.what} failed: ${e instanceof Error ? e.message : String(e)}`;
      if (this.opts.failureLevel === 'warn') this.opts.logger.warn(line);
      else this.opts.logger.error(line);
    }
  }
}
