/**
 * Entry of an import worker thread: parses, validates and builds reports off the main event loop,
 * so that a large or hostile workbook never stalls device authorisations. One task per worker; the
 * pool terminates it afterwards, which also frees whatever the parser held.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../../common/errors/domain-error';
import { buildErrorReport } from '../sheet/error-report';
import { validateRows } from '../sheet/row-validator';
import { streamLedgerRows } from '../sheet/streaming-reader';
import { assertZipWithinLimits, sheetDimensionRows } from '../sheet/zip-limits';
import { LEDGER_DEFINITIONS, ParseResult, WorkerMessage, WorkerTask } from './import-task';

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

async function parse(task: Extract<WorkerTask, { kind: 'parse' }>, upload: Buffer): Promise<ParseResult> {
  const { sheet, dtoClass } = LEDGER_DEFINITIONS[task.ledger];
  const entries = assertZipWithinLimits(upload);
  // Progress estimate only: the largest worksheet extent (the 说明 sheet is small).
  const dims = entries
    .filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name))
    .map((e) => sheetDimensionRows(upload, e) ?? 0);
  const rowsEstimate = dims.length && Math.max(...dims) > 1 ? Math.max(...dims) - 1 : null;
  post({ kind: 'progress', rowsRead: 0, rowsEstimate });
  const { headerErrors, rows } = await streamLedgerRows(upload, sheet, {
    onProgress: (rowsRead) => post({ kind: 'progress', rowsRead, rowsEstimate }),
  });
  if (headerErrors.length || !rows.length)
    return { kind: 'parsed', headerErrors, rowCount: rows.length, valid: [], errors: [] };
  const { valid, errors } = await validateRows(sheet, rows, dtoClass, task.fixed);
  const values = new Map(rows.map((r) => [r.row, r.values]));
  return {
    kind: 'parsed',
    headerErrors,
    rowCount: rows.length,
    valid: valid.map((v) => ({ row: v.row, input: { ...values.get(v.row), ...task.fixed } })),
    errors,
  };
}

async function main(): Promise<void> {
  const task = workerData as WorkerTask;
  const upload = Buffer.from(task.upload.buffer, task.upload.byteOffset, task.upload.byteLength);
  try {
    if (task.kind === 'parse') {
      post(await parse(task, upload));
    } else {
      const buffer = await buildErrorReport(upload, LEDGER_DEFINITIONS[task.ledger].sheet, task.errors);
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      post({ kind: 'report', buffer: bytes });
    }
  } catch (e) {
    if (e instanceof DomainError) {
      post({ kind: 'failed', error: { code: e.code, message: e.message, fields: e.fields, details: e.details } });
    } else {
      throw e;
    }
  }
}

void main();
