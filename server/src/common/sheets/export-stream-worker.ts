/**
 * Entry of a streaming export worker thread: reads the export's statement through a server-side
 * cursor on a connection of its own, turns each batch into cells with the export's columns, writes
 * them with exceljs's streaming WorkbookWriter and posts the zipped bytes back as they come. It holds
 * one batch at a time and fetches the next only when the parent asks ('more'): the parent asks when
 * the HTTP response has taken what it was given. A worker runs one export after another (exceljs, pg
 * and the columns' modules are loaded once); one that was aborted or failed is discarded.
 */
import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import * as ExcelJS from 'exceljs';
import { Client } from 'pg';
import { NO_JIT } from '../cpu/session-options';
import { FieldCipher } from '../crypto/field-cipher';
import { neutraliseText } from './cell-safety';
import { EXPORT_HEADER_FILL, ExportColumn, headerWidth } from './export-builder';
import {
  EXPORT_APPLICATION_NAME,
  QueryExportCommand,
  QueryExportInit,
  QueryExportReply,
  QueryExportSpec,
  XLSX_MAX_DATA_ROWS,
} from './export-stream';
import { lowerBackendPriority, lowerThisThreadPriority } from '../cpu/priority';

// Report building yields the CPU to the device plane when both share a host (best effort; the thread's own nice value).
lowerThisThreadPriority('arcgate-report');

const port = parentPort!;
const reply = (m: QueryExportReply, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

/** The zip comes in small pieces; the parent gets them 64 KB at a time (fewer messages, fewer socket writes). */
const CHUNK_BYTES = 64 * 1024;

/** The export in progress: one at a time per worker; a finished one leaves the worker ready for the next. */
let current: { abort(): void; more(): void } | null = null;

port.on('message', (m: QueryExportCommand) => {
  if (m.type === 'start') void runExport(m.init);
  else if (m.type === 'preload') for (const s of m.sources) void import(s.module);
  else if (m.type === 'more') current?.more();
  else current?.abort();
});

async function runExport(init: QueryExportInit): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (!pendingBytes) return;
    // A copy of its own: the pieces may be views into pooled buffers, which cannot be transferred.
    const bytes = new Uint8Array(Buffer.concat(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
    reply({ type: 'chunk', bytes }, [bytes.buffer]);
  };
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending.push(Buffer.from(chunk));
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) flush();
      done();
    },
    final(done) {
      flush();
      done();
    },
  });

  let aborted = false;
  let granted: (() => void) | null = null;
  const client = new Client({
    connectionString: init.connectionString,
    application_name: EXPORT_APPLICATION_NAME,
    statement_timeout: init.statementTimeoutMs,
    // A transaction left idle (a reader that stopped reading past the parent's stall timeout) is ended by the server.
    idle_in_transaction_session_timeout: init.idleTimeoutMs,
    // A FETCH running when the connection goes (abort) stops within a second instead of running to its end;
    // one core per export, as the reporting pool: the sort must not take every core of a small database.
    options: `-c client_connection_check_interval=1000 -c max_parallel_workers_per_gather=0 ${NO_JIT}`,
  });
  // A connection lost while idle (abort, server restart) is reported by the statement that needed it.
  client.on('error', () => undefined);
  current = {
    more() {
      const g = granted;
      granted = null;
      g?.();
    },
    abort() {
      aborted = true;
      // Closing the socket ends a running FETCH and rolls the transaction back. The parent discards this
      // worker (its workbook writer is half way): it stops itself once the connection is closed.
      void client.end().finally(() => process.exit(0));
      granted?.();
    },
  };

  try {
    const rows = await writeSheet(
      init,
      client,
      out,
      flush,
      () => aborted,
      () =>
        new Promise<void>((resolve) => {
          granted = resolve;
        }),
    );
    if (aborted) return;
    current = null;
    reply({ type: 'done', rows });
  } catch (e) {
    if (aborted) return;
    await client.end().catch(() => undefined);
    const err = e as Error & { code?: string };
    reply({ type: 'error', message: err.message, code: err.code });
  }
}

async function writeSheet(
  init: QueryExportInit,
  client: Client,
  out: Writable,
  flush: () => void,
  aborted: () => boolean,
  nextGrant: () => Promise<void>,
): Promise<number> {
  const mod = (await import(init.source.module)) as Record<string, unknown>;
  const [name, key] = init.source.name.split('.', 2);
  const found = key === undefined ? mod[name] : (mod[name] as Record<string, unknown> | undefined)?.[key];
  if (!found) throw new Error(`no export spec ${init.source.name} in ${init.source.module}`);
  const columns: ExportColumn<Record<string, unknown>>[] = (found as QueryExportSpec<Record<string, unknown>>).columns;
  const encrypted = init.decrypt ?? [];
  const cipher = encrypted.length ? new FieldCipher(Buffer.from(init.dataEncryptionKey!)) : null;

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'ArcGate';
  const ws = wb.addWorksheet(init.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = init.columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: headerWidth(c) }));
  // Set before the first row is committed: the streaming writer writes the sheet's head once.
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: init.columns.length } };
  const header = ws.getRow(1);
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.eachCell((cell) => {
    cell.fill = EXPORT_HEADER_FILL;
  });
  header.commit();

  await client.connect();
  // The export's reads yield the database's CPU to the device plane's statements too (local PostgreSQL only).
  lowerBackendPriority((client as unknown as { processID?: number }).processID);
  // One snapshot for the whole file: rows changed while it downloads neither vanish nor come twice.
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${init.statement.sql}`, init.statement.params);
  let rows = 0;
  for (let first = true; !aborted(); first = false) {
    const batch = (await client.query<Record<string, unknown>>(`FETCH ${init.batchRows} FROM export_rows`)).rows;
    rows += batch.length;
    if (rows > XLSX_MAX_DATA_ROWS)
      throw new Error(`more than ${XLSX_MAX_DATA_ROWS} rows: an .xlsx sheet holds no more`);
    for (const row of batch) {
      for (const f of encrypted) if (typeof row[f] === 'string') row[f] = cipher!.decrypt(row[f]);
      // As buildWorkbook: text that looks like a formula is neutralised (rows carry user input).
      const cells = columns.map((c) => {
        const v = c.value(row);
        return typeof v === 'string' ? neutraliseText(v) : (v ?? null);
      });
      ws.addRow(cells).commit();
    }
    if (first) {
      // The first batch's bytes go out now: the download starts before the sheet is finished.
      flush();
      reply({ type: 'ready' });
    }
    if (batch.length < init.batchRows) break;
    const grant = nextGrant();
    reply({ type: 'batch' });
    await grant;
  }
  if (aborted()) return rows;
  await client.query('COMMIT');
  await client.end();
  ws.commit();
  await wb.commit();
  flush();
  return rows;
}
