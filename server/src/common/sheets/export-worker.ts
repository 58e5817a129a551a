/**
 * Entry of an export worker thread: builds one workbook off the main event loop, so that a large
 * export never stalls device authorisations. One task per worker; the parent terminates it afterwards.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildWorkbook } from './export-builder';
import type { ExportTask } from './export-off-thread';
import { lowerThisThreadPriority } from '../cpu/priority';

// Report building yields the CPU to the device plane when both share a host (best effort; the thread's own nice value).
lowerThisThreadPriority('arcgate-report');

async function main(): Promise<void> {
  const task = workerData as ExportTask;
  const buffer = await buildWorkbook(task.sheetName, task.columns, task.rows);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  parentPort!.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
}

void main();
