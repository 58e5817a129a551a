import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The work a process starts at boot and does not wait for (the first certificate scan, the first census…).
 * At province size some of it takes minutes; awaiting it in onApplicationBootstrap kept /api/health from
 * answering and a supervisor killed the process. Health reports what is still running, and a test or bench
 * that needs the start-up alerts waits for `settled()`.
 */
@Injectable()
export class StartupWork {
  private readonly running = new Map<number, string>();
  private readonly all: Promise<unknown>[] = [];
  private next = 0;

  /** Runs `work` without holding up the start; a failure is the caller's to log, never an unhandled rejection. */
  track(what: string, work: Promise<unknown>): void {
    const id = this.next++;
    this.running.set(id, what);
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.all.push(done.finally(() => this.running.delete(id)));
  }

  /** What is still running, in the order it started. */
  pending(): string[] {
    return [...this.running.values()];
  }

  /** Resolves once everything tracked so far has finished (or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.all);
  }
}

@Global()
@Module({ providers: [StartupWork], exports: [StartupWork] })
export class StartupWorkModule {}
