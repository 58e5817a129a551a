import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ExportColumn, ExportHeader } from './export-builder';

/**
 * Where the worker finds an export's columns: a module it loads itself (the columns are functions,
 * which cannot be posted to a thread) and the name of the export there. The module must be light:
 * it runs in every export worker.
 */
export interface ExportRowsSource {
  module: string;
  /** The export's name in the module; `RECORD.key` names one entry of an exported record of specs. */
  name: string;
}

/** An export whose rows are read by one SQL statement, with the columns that turn its raw rows into cells. */
export interface QueryExportSpec<R> {
  sheetName: string;
  asciiBase: string;
  columns: ExportColumn<R>[];
  /** This spec itself, as the worker loads it (module path and export name). */
  source: ExportRowsSource;
  /** Fields that come encrypted at rest (FieldCipher): the worker decrypts them before the columns read them. */
  decrypt?: (keyof R & string)[];
}

/** One scoped, filtered, ordered statement: the list's own query builder, its columns chosen for the sheet. */
export interface ExportStatement {
  sql: string;
  params: unknown[];
}

export interface QueryExportInit {
  sheetName: string;
  columns: ExportHeader[];
  source: ExportRowsSource;
  statement: ExportStatement;
  /** Only for specs with `decrypt`: the master key the worker's FieldCipher derives its key from. */
  dataEncryptionKey?: Uint8Array;
  decrypt?: string[];
  connectionString: string;
  batchRows: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
}

export type QueryExportCommand =
  | { type: 'start'; init: QueryExportInit }
  | { type: 'more' }
  | { type: 'abort' }
  /** Load these columns' modules now (warm-up), not when the first export needs them. */
  | { type: 'preload'; sources: ExportRowsSource[] };
export type QueryExportReply =
  | { type: 'chunk'; bytes: Uint8Array }
  /** The first batch is in the sheet (and its bytes sent): the query works, the download may start. */
  | { type: 'ready' }
  /** One more batch is written; the worker waits for 'more' before it fetches the next. */
  | { type: 'batch' }
  | { type: 'done'; rows: number }
  | { type: 'error'; message: string; code?: string };

/** The export workers' connections, by name (pg_stat_activity.application_name). */
export const EXPORT_APPLICATION_NAME = 'arcgate-export';
/** A download that stops moving this long (client not reading, statement stuck) is abandoned. */
export const EXPORT_STALL_TIMEOUT_MS = 60_000;
/** Rows per FETCH: one batch is all the worker holds (a few hundred KB), and few round trips. */
export const EXPORT_FETCH_ROWS = 1_000;
/** One FETCH (the first one sorts every matching row) past this is a runaway: PostgreSQL cancels it. */
export const EXPORT_STATEMENT_TIMEOUT_MS = 60_000;
/**
 * More data rows than an .xlsx sheet holds (1,048,576 rows, one of them the header). No ledger comes
 * near it (a province: about 200,000 machines or welders); an export past it fails rather than cut.
 */
export const XLSX_MAX_DATA_ROWS = 1_048_575;
/** After an abort, the worker has this long to close its connection before it is stopped. */
const ABORT_GRACE_MS = 2_000;
/**
 * Idle workers kept for the next export. Loading exceljs and the columns' modules in a fresh thread took
 * 1-6 s on the bench's loaded 2 cores (first byte of a county export: 6 s cold, 0.3-0.7 s warm), which a
 * kept worker does not pay again. The first is kept for good (about 50 MB); a second one for a while.
 */
const MAX_IDLE_WORKERS = 2;
const WORKER_IDLE_MS = 10 * 60_000;
/** The worker holds one batch, its cells and the zip's buffers: a small heap, whatever the row count. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/** The statement failed before anything was sent (the error response says so). */
export class ExportQueryError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function spawn(): Worker {
  const options = { resourceLimits: RESOURCE_LIMITS, stdout: false };
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

/** Workers between exports: unreferenced (they keep no process alive); all but the first stop after WORKER_IDLE_MS. */
const idle: { worker: Worker; timer?: NodeJS.Timeout; exited: () => void }[] = [];

/** Starts the worker the first export will use, so that it does not wait for exceljs and `sources` to load. */
export function warmExportWorker(sources: ExportRowsSource[]): void {
  if (idle.length) return;
  const worker = spawn();
  worker.postMessage({ type: 'preload', sources } satisfies QueryExportCommand);
  keepWorker(worker);
}

function takeWorker(): Worker {
  const kept = idle.pop();
  if (!kept) return spawn();
  clearTimeout(kept.timer);
  kept.worker.off('exit', kept.exited);
  kept.worker.ref();
  return kept.worker;
}

function keepWorker(worker: Worker): void {
  if (idle.length >= MAX_IDLE_WORKERS) {
    void worker.terminate();
    return;
  }
  const entry = {
    worker,
    timer: idle.length ? setTimeout(() => void worker.terminate(), WORKER_IDLE_MS).unref() : undefined,
    exited: () => idle.splice(idle.indexOf(entry), 1),
  };
  worker.once('exit', entry.exited);
  worker.unref();
  idle.push(entry);
}

export interface QueryExport {
  stream: Readable;
  /**
   * Settles when the worker is gone, and with it its database connection: with the rows written when
   * the export completed, null when it was aborted or failed.
   */
  finished: Promise<number | null>;
}

/**
 * An .xlsx as a byte stream, read and written off the event loop that answers devices: a worker
 * thread opens its own connection, runs the statement as a server-side cursor (one snapshot, no
 * OFFSET), turns each FETCHed batch into cells and zips them with exceljs's streaming writer. This
 * thread only passes the bytes on, and lets the worker FETCH the next batch only when the reader
 * (the HTTP response) has taken the previous ones: memory stays flat whatever the row count.
 *
 * Resolves once the first batch is written, so that a failing statement is an error response, not a
 * broken download. Destroying the stream (the client went away) aborts: the worker closes its
 * connection, which ends the statement (client_connection_check_interval) and its transaction.
 */
export function streamQueryExport(init: QueryExportInit): Promise<QueryExport> {
  const worker = takeWorker();
  let connectionClosed!: (rows: number | null) => void;
  const finished = new Promise<number | null>((resolve) => {
    connectionClosed = resolve;
  });
  let wanted = false;
  let stall: NodeJS.Timeout | undefined;
  let ready = false;
  let ended = false;

  return new Promise<QueryExport>((resolve, reject) => {
    const abort = () => {
      if (ended) return;
      ended = true;
      clearTimeout(stall);
      worker.postMessage({ type: 'abort' } satisfies QueryExportCommand);
      setTimeout(() => void worker.terminate(), ABORT_GRACE_MS).unref();
    };
    const more = () => {
      wanted = false;
      worker.postMessage({ type: 'more' } satisfies QueryExportCommand);
    };
    const out = new Readable({
      read() {
        if (wanted) more();
      },
      destroy(err, done) {
        abort();
        done(err);
      },
    });
    const fail = (e: Error) => {
      if (!ready) {
        abort();
        reject(e);
      } else if (!out.destroyed) out.destroy(e);
    };
    const watchdog = () => {
      clearTimeout(stall);
      stall = setTimeout(
        () => fail(new Error(`export stalled for ${EXPORT_STALL_TIMEOUT_MS / 1000} s`)),
        EXPORT_STALL_TIMEOUT_MS,
      );
    };
    const onMessage = (m: QueryExportReply) => {
      if (ended && m.type !== 'done') return;
      watchdog();
      switch (m.type) {
        case 'chunk':
          out.push(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
          return;
        case 'ready':
          ready = true;
          resolve({ stream: out, finished });
          return;
        case 'batch':
          // Backpressure: the next FETCH waits until the response has drained what is buffered here.
          if (out.readableLength < out.readableHighWaterMark) more();
          else wanted = true;
          return;
        case 'done':
          // The worker has closed its connection and is ready for another export.
          ended = true;
          clearTimeout(stall);
          out.push(null);
          detach();
          connectionClosed(m.rows);
          keepWorker(worker);
          return;
        case 'error':
          // The worker has closed its connection already; its workbook writer is spoilt.
          fail(new ExportQueryError(m.message, m.code));
          void worker.terminate();
          return;
      }
    };
    const onExit = (code: number) => {
      clearTimeout(stall);
      connectionClosed(null);
      if (!ended) fail(new Error(`export worker exited with code ${code}`));
      ended = true;
    };
    const detach = () => {
      worker.off('message', onMessage);
      worker.off('error', fail);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', fail);
    worker.on('exit', onExit);
    worker.postMessage({ type: 'start', init } satisfies QueryExportCommand);
    watchdog();
  });
}

/** Columns as the worker's header row needs them (no functions). */
export function exportHeaders<R>(spec: QueryExportSpec<R>): ExportHeader[] {
  return spec.columns.map((c) => ({ header: c.header, width: c.width }));
}
