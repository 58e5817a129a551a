import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EnforcementDocument } from '../document-views';
import type { RenderReply } from './document-worker';

/** A document that takes longer is given up and its worker stopped: one renders in well under a second. */
export const RENDER_WORKER_TIMEOUT_MS = 30_000;
/** An idle worker is stopped after this long (its fonts take about 100 MB). */
export const RENDER_WORKER_IDLE_MS = 60_000;
/** Caps the worker's heap: the two font files and one document fit well within it. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 320, maxYoungGenerationSizeMb: 32 };

function spawn(): Worker {
  const options = { resourceLimits: RESOURCE_LIMITS, stdout: false };
  const entry = join(__dirname, `document-worker${extname(__filename)}`);
  if (entry.endsWith('.ts')) {
    // Running from TypeScript sources (tests): compile on require, as the export workers do.
    const register = join(__dirname, '..', '..', '..', 'test-support', 'ts-register.js');
    return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`, {
      ...options,
      eval: true,
    });
  }
  return new Worker(entry, options);
}

/**
 * Renders documents in a worker thread, so that laying out a PDF never stalls the event loop that
 * answers devices (the rule the xlsx exports follow with buildExportOffThread). One worker, kept while
 * documents come (the fonts are read once), one document at a time; a worker that fails, exits or
 * overruns is dropped and the next document starts a new one.
 */
@Injectable()
export class DocumentRenderer implements OnModuleDestroy {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private idle: NodeJS.Timeout | null = null;

  render(doc: EnforcementDocument): Promise<Buffer> {
    const run = this.queue.then(() => this.once(doc));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private once(doc: EnforcementDocument): Promise<Buffer> {
    if (this.idle) clearTimeout(this.idle);
    const worker = (this.worker ??= spawn());
    const id = ++this.seq;
    return new Promise<Buffer>((resolve, reject) => {
      const done = (fn: () => void, drop: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (drop) void this.drop(worker);
        else this.idle = setTimeout(() => void this.stop(), RENDER_WORKER_IDLE_MS).unref();
        fn();
      };
      const onMessage = (m: RenderReply) => {
        if (m.id !== id) return;
        if ('error' in m) done(() => reject(new Error(`document render failed: ${m.error}`)), false);
        else done(() => resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength)), false);
      };
      const onError = (e: Error) => done(() => reject(e), true);
      const onExit = (code: number) => done(() => reject(new Error(`document worker exited with code ${code}`)), true);
      const timer = setTimeout(
        () => done(() => reject(new Error(`document worker took over ${RENDER_WORKER_TIMEOUT_MS / 1000} s`)), true),
        RENDER_WORKER_TIMEOUT_MS,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, doc });
    });
  }

  private async drop(worker: Worker): Promise<void> {
    if (this.worker === worker) this.worker = null;
    await worker.terminate();
  }

  private async stop(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.worker) await this.drop(this.worker);
  }
}
