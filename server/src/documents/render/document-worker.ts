/**
 * Entry of a document render worker: lays out one PDF off the main event loop (loading a 10 MB CJK
 * font and subsetting it takes a few hundred ms). One task per worker; the parent terminates it afterwards.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EnforcementDocument } from '../document-views';
import { renderDocument } from './render-document';

async function main(): Promise<void> {
  const buffer = await renderDocument(workerData as EnforcementDocument);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  parentPort!.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
}

void main();
