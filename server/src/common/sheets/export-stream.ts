import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ExportColumn, ExportHeader, exportRows, ExportValue } from './export-builder';

export interface StreamExportInit {
  sheetName: string;
  columns: ExportHeader[];
}
export type StreamExportMessage = { type: 'rows'; rows: ExportValue[][]; first?: boolean } | { type: 'end' };
export type StreamExportReply = { type: 'chunk'; bytes: Uint8Array } | { type: 'ack' } | { type: 'done' };

/** A download that stops moving this long (client not reading, source stuck) is abandoned. */
export const EXPORT_STALL_TIMEOUT_MS = 60_000;
/** The worker holds one batch and the zip's buffers: a small heap, whatever the row count. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

function spawn(init: StreamExportInit): Worker {
  const options = { workerData: init, resourceLimits: RESOURCE_LIMITS, stdout: false };
  const entry = join(__dirname, `export-stream-worker${extname(__filename)}`);
  if (entry.endsWith('.ts')) {
    // Running from TypeScript sources (tests): compile on require, as the other workers do.
    const register = join(__dirname, '..', '..', '..', 'test-support', 'ts-register.js');
    return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`, {
      ...options,
      eval: true,
    });
  }
  return new Worker(entry, options);
}

/**
 * An .xlsx as a byte stream, written while `batches` are read: each batch of views is turned into
 * cells here (views may hold functions and dates), the workbook is written and zipped by exceljs's
 * streaming writer in a worker thread, and its bytes flow to the caller as they come. Memory stays
 * flat (one batch in flight) and the main event loop does per batch only what a list page does.
 *
 * The first batch is read before this resolves, so that a failing query is an error response, not a
 * broken download. The next batch is read only when the worker has written the previous one and the
 * reader (the HTTP response) wants more.
 */
export async function streamExport<T>(
  sheetName: string,
  columns: ExportColumn<T>[],
  batches: AsyncIterator<T[]>,
): Promise<Readable> {
  let first = await batches.next();
  const worker = spawn({ sheetName, columns: columns.map((c) => ({ header: c.header, width: c.width })) });
  let wanted: (() => void) | null = null;
  let acked: (() => void) | null = null;
  let stall: NodeJS.Timeout | undefined;
  const out = new Readable({
    read() {
      const w = wanted;
      wanted = null;
      w?.();
    },
    destroy(err, done) {
      clearTimeout(stall);
      void worker.terminate();
      wanted?.();
      acked?.();
      done(err);
    },
  });
  const fail = (e: Error) => {
    if (!out.destroyed) out.destroy(e);
  };
  const watchdog = () => {
    clearTimeout(stall);
    stall = setTimeout(
      () => fail(new Error(`export stalled for ${EXPORT_STALL_TIMEOUT_MS / 1000} s`)),
      EXPORT_STALL_TIMEOUT_MS,
    );
  };
  worker.on('message', (m: StreamExportReply) => {
    watchdog();
    if (m.type === 'chunk') out.push(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    else if (m.type === 'ack') acked?.();
    else {
      clearTimeout(stall);
      out.push(null);
      void worker.terminate();
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!out.readableEnded && !out.destroyed) fail(new Error(`export worker exited with code ${code}`));
  });
  let sent = 0;
  const send = (rows: ExportValue[][]) =>
    new Promise<void>((resolve) => {
      acked = () => {
        acked = null;
        resolve();
      };
      worker.postMessage({ type: 'rows', rows, first: sent++ === 0 } satisfies StreamExportMessage);
    });
  const demand = () =>
    new Promise<void>((resolve) => {
      if (out.destroyed || out.readableLength < out.readableHighWaterMark) return resolve();
      wanted = resolve;
    });

  watchdog();
  void (async () => {
    try {
      while (!first.done && !out.destroyed) {
        await send(exportRows(columns, first.value));
        await demand();
        if (out.destroyed) break;
        first = await batches.next();
      }
      if (!out.destroyed) worker.postMessage({ type: 'end' } satisfies StreamExportMessage);
      else await batches.return?.();
    } catch (e) {
      fail(e as Error);
    }
  })();
  return out;
}
