import { Worker } from 'node:worker_threads';

export interface PdfContent {
  /** All text, whitespace removed (runs break at line ends). */
  text: string;
  /** What each embedded image decodes to as a QR code (images that are no QR code are left out). */
  qr: string[];
  /** How many images are embedded (QR codes, a drawn signature); pdf-parse skips images under 80 px a side. */
  images: number;
  pages: number;
}

/**
 * Reads a PDF as a person would see it: its text (pdf-parse, on PDF.js) and its QR codes (jsQR over the
 * embedded images). PDF.js loads its worker with a dynamic import, which jest's module system refuses, so
 * the reading runs in a plain Node worker thread.
 */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PDFParse } = require('pdf-parse');
const { PNG } = require('pngjs');
const jsQR = require('jsqr');
(async () => {
  const parser = new PDFParse({ data: new Uint8Array(workerData) });
  try {
    const text = await parser.getText();
    const images = await parser.getImage({ imageDataUrl: false });
    const qr = [];
    let count = 0;
    for (const page of images.pages)
      for (const img of page.images) {
        count++;
        const png = PNG.sync.read(Buffer.from(img.data));
        const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
        if (code) qr.push(code.data);
      }
    parentPort.postMessage({ text: text.text.replace(/\\s+/g, ''), qr, images: count, pages: text.total });
  } finally {
    await parser.destroy();
  }
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

export function readPdf(pdf: Buffer): Promise<PdfContent> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(READER, { eval: true, workerData: new Uint8Array(pdf) });
    worker.once('message', (m: PdfContent & { error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}
