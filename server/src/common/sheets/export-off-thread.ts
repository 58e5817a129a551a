import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ExportColumn, ExportHeader, exportRows, ExportValue } from './export-builder';

export interface ExportTask {
  sheetName: string;
  columns: ExportHeader[];
  rows: ExportValue[][];
}

/** A worker that takes longer is stopped: no export within the row cap needs this long. */
export const EXPORT_WORKER_TIMEOUT_MS = 120_000;
/** Caps the worker's heap: an export past it fails alone instead of taking the server down. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 320, maxYoungGenerationSizeMb: 32 };

function spawn(task: ExportTask): Worker {
  const options = { workerData: task, resourceLimits: RESOURCE_LIMITS, stdout: false };
  const entry = join(__dirname, `export-worker${extname(__filename)}`);
  if (entry.endsWith('.ts')) {
    // Running from TypeScript sources (tests): compile on require, as the import workers do.
    const register = join(__dirname, '..', '..', '..', 'test-support', 'ts-register.js');
    return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`, {
      ...options,
      eval: true,
    });
  }
  return new Worker(entry, options);
}

/**
 * buildExport in a worker thread: the cells are read here (views may hold functions and dates), the
 * workbook is written and zipped there.
 */
export function buildExportOffThread<T>(sheetName: string, columns: ExportColumn<T>[], items: T[]): Promise<Buffer> {
  const task: ExportTask = {
    sheetName,
    columns: columns.map((c) => ({ header: c.header, width: c.width })),
    rows: exportRows(columns, items),
  };
  return new Promise((resolve, reject) => {
    const worker = spawn(task);
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`export worker took over ${EXPORT_WORKER_TIMEOUT_MS / 1000} s`))),
      EXPORT_WORKER_TIMEOUT_MS,
    );
    worker.on('message', (bytes: Uint8Array) =>
      finish(() => resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))),
    );
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`export worker exited with code ${code}`))));
  });
}
