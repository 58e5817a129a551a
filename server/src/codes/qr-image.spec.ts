import QRCode from 'qrcode';
import { QR_ERROR_CORRECTION, QR_MARGIN, renderQrPng } from './qr-image';

// pngjs comes with qrcode; it has no type declarations of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PNG } = require('pngjs') as { PNG: { sync: { read(buf: Buffer): { width: number; height: number; data: Buffer } } } };

const TEXT = 'https://arcgate.example/q/M0ZK3X7Q9T2BC8N4HJ6V5R';
const reference = (size: number) => QRCode.toBuffer(TEXT, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN, width: size });

/** Time spent before the first await: the part that runs on the event loop in one piece. */
function syncMs(start: () => Promise<Buffer>): { ms: number; done: Promise<Buffer> } {
  const t0 = performance.now();
  const done = start();
  return { ms: performance.now() - t0, done };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('QR PNG rendering', () => {
  it('draws exactly the pixels qrcode\'s own renderer draws, at every size', async () => {
    for (const size of [128, 333, 1024]) {
      const mine = PNG.sync.read(await renderQrPng(TEXT, size));
      const theirs = PNG.sync.read(await reference(size));
      expect([mine.width, mine.height]).toEqual([theirs.width, theirs.height]);
      let differing = 0;
      for (let i = 0; i < mine.data.length; i += 4) if (mine.data[i] !== theirs.data[i] || mine.data[i + 3] !== theirs.data[i + 3]) differing++;
      expect({ size, differing }).toEqual({ size, differing: 0 });
    }
  });

  it('holds the event loop a fraction of what the per-pixel renderer did at 1024 px', async () => {
    // Warm both code paths on a small image; the per-pixel reference is slow to finish at 1024 px.
    await renderQrPng(TEXT, 128);
    await reference(128);
    const mine: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = syncMs(() => renderQrPng(TEXT, 1024));
      await a.done;
      mine.push(a.ms);
    }
    const b = syncMs(() => reference(1024));
    await b.done;
    const theirs = [b.ms];
    console.log(`1024 px, before the first await: ours ${median(mine).toFixed(1)} ms, qrcode ${median(theirs).toFixed(1)} ms`);
    // Measured: ~3-10 ms against ~100-600 ms; compared on the same host so that its load cancels out.
    expect(median(mine)).toBeLessThan(median(theirs) / 4);
  });
});
