/**
 * Entry of the document render worker: lays out PDFs off the main event loop (subsetting the CJK font
 * takes a few hundred ms). It stays up between documents so that the fonts are read once; one document
 * at a time, answered by request id.
 */
import { parentPort } from 'node:worker_threads';
import type { EnforcementDocument } from '../document-views';
import { renderDocument } from './render-document';
import { lowerThisThreadPriority } from '../../common/cpu/priority';

// Report building yields the CPU to the device plane when both share a host (best effort; the thread's own nice value).
lowerThisThreadPriority('arcgate-report');

export interface RenderRequest {
  id: number;
  doc: EnforcementDocument;
}
export type RenderReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

parentPort!.on('message', (req: RenderRequest) => {
  renderDocument(req.doc).then(
    (buffer) => {
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      parentPort!.postMessage({ id: req.id, bytes } satisfies RenderReply, [bytes.buffer as ArrayBuffer]);
    },
    (e: unknown) =>
      parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies RenderReply),
  );
});
