import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EnforcementDocument } from '../document-views';

/** A worker that takes longer is stopped: one document renders in well under a second. */
export const RENDER_WORKER_TIMEOUT_MS = 30_000;
/** Caps the worker's heap: the two font files and one document fit well within it. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

function spawn(doc: EnforcementDocument): Worker {
  const options = { workerData: doc, resourceLimits: RESOURCE_LIMITS, stdout: false };
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
 * renderDocument in a worker thread, so that laying out a PDF never stalls the event loop that answers
 * devices (the same rule as the xlsx exports: buildExportOffThread).
 */
export function renderDocumentOffThread(doc: EnforcementDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = spawn(doc);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`document worker took over ${RENDER_WORKER_TIMEOUT_MS / 1000} s`))),
      RENDER_WORKER_TIMEOUT_MS,
    );
    worker.on('message', (bytes: Uint8Array) =>
      finish(() => resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))),
    );
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`document worker exited with code ${code}`))));
  });
}
