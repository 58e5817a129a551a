/**
 * Entry of a streaming export worker thread: writes one workbook with exceljs's streaming
 * WorkbookWriter as row batches arrive, and posts the zipped bytes back as they are produced. The
 * parent never holds the workbook, only the batch in flight; this thread never holds more than
 * the rows not yet zipped.
 */
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import * as ExcelJS from 'exceljs';
import { neutraliseText } from './cell-safety';
import { EXPORT_HEADER_FILL, headerWidth } from './export-builder';
import type { StreamExportInit, StreamExportMessage, StreamExportReply } from './export-stream';
import { lowerThisThreadPriority } from '../cpu/priority';

// Report building yields the CPU to the device plane when both share a host (best effort; the thread's own nice value).
lowerThisThreadPriority('arcgate-report');

const port = parentPort!;
const init = workerData as StreamExportInit;
const reply = (m: StreamExportReply, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

/** The zip comes in small pieces; the parent gets them 64 KB at a time (fewer messages, fewer socket writes). */
const CHUNK_BYTES = 64 * 1024;
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

port.on('message', (m: StreamExportMessage) => {
  if (m.type === 'rows') {
    for (const row of m.rows) {
      // As buildWorkbook: text that looks like a formula is neutralised (views carry user input).
      ws.addRow(row.map((v) => (typeof v === 'string' ? neutraliseText(v) : (v ?? null)))).commit();
    }
    // The first batch's bytes go out now: the download starts before the sheet is finished.
    if (m.first) flush();
    reply({ type: 'ack' });
    return;
  }
  ws.commit();
  void wb.commit().then(
    () => reply({ type: 'done' }),
    (e: Error) => {
      throw e;
    },
  );
});
