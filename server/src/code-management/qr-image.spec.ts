import QRCode from 'qrcode';
import { PNG } from 'pngjs';
import { QR_ERROR_CORRECTION, QR_MARGIN, renderQrPng } from './qr-image';

const TEXT = 'https://arcgate.example/q/M0ZK3X7Q9T2BC8N4HJ6V5R';
const reference = (size: number) =>
  QRCode.toBuffer(TEXT, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN, width: size });

// How long it holds the event loop is measured where it matters, in code-management/labels-load.integration-spec.ts.
describe('QR PNG rendering', () => {
  it("draws exactly the pixels qrcode's own renderer draws, at every size", async () => {
    for (const size of [128, 333, 1024]) {
      const mine = PNG.sync.read(await renderQrPng(TEXT, size));
      const theirs = PNG.sync.read(await reference(size));
      expect([mine.width, mine.height]).toEqual([theirs.width, theirs.height]);
      let differing = 0;
      for (let i = 0; i < mine.data.length; i += 4)
        if (mine.data[i] !== theirs.data[i] || mine.data[i + 3] !== theirs.data[i + 3]) differing++;
      expect({ size, differing }).toEqual({ size, differing: 0 });
    }
  });
});
