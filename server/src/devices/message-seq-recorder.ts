import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { ChipsRepository } from './chips.repository';

/** Often enough for presence (silence is judged over minutes), rarely enough to be one statement per second. */
export const SEQ_FLUSH_MS = 1_000;

/**
 * Keeps the highest message seq and latest arrival per chip in memory and writes them in one
 * statement per interval, instead of one awaited UPDATE per arm request. Informational only:
 * replay protection lives elsewhere (device_event_seqs for events, the nonce table for arm requests),
 * so a crash losing the last second of these values loses nothing that guards safety.
 */
@Injectable()
export class MessageSeqRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MessageSeqRecorder');
  private pending = new Map<string, { seq: number; at: Date }>();
  private readonly flusher = new PeriodicWorker({
    what: 'message seq flush',
    everyMs: SEQ_FLUSH_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: () => this.flush(),
  });
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly chips: ChipsRepository) {}

  onModuleInit(): void {
    this.flusher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flusher.stop();
    await this.flush();
  }

  record(chipId: string, seq: number, at: Date): void {
    const prev = this.pending.get(chipId);
    if (!prev) this.pending.set(chipId, { seq, at });
    else this.pending.set(chipId, { seq: Math.max(prev.seq, seq), at: prev.at > at ? prev.at : at });
  }

  /** Writes what has been recorded so far; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.pending.size) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.chips.recordMessageSeqs([...batch].map(([chipId, v]) => ({ chipId, ...v })));
      } catch (e) {
        // Put the values back (merged with newer ones) so the next interval retries them.
        for (const [chipId, v] of batch) this.record(chipId, v.seq, v.at);
        this.logger.warn(`message seqs not recorded yet: ${(e as Error).message}`);
      }
    });
    return this.flushing;
  }
}
