import QRCode from 'qrcode';
import { PNG } from 'pngjs';

/** Medium error correction (~15%) survives scuffed labels while keeping modules large enough to scan. */
export const QR_ERROR_CORRECTION = 'M' as const;
/** Quiet zone in modules; scanners need some, labels have little room. */
export const QR_MARGIN = 2;
export const QR_PNG_MIN_SIZE = 128;
export const QR_PNG_MAX_SIZE = 1024;
export const QR_PNG_DEFAULT_SIZE = 512;

/**
 * A grey-scale PNG of the QR, pixel for pixel what qrcode's own PNG renderer draws (same module
 * mapping), but built from one scanline per module row and packed by pngjs with deflate on libuv's pool:
 * qrcode's renderer walks every pixel in JavaScript and held the event loop 200-600 ms at 1024 px.
 */
export async function renderQrPng(text: string, size: number): Promise<Buffer> {
  const qr = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const n = qr.modules.size;
  const data = qr.modules.data;
  const width = size;
  const scale = width / (n + QR_MARGIN * 2);
  const margin = QR_MARGIN * scale;
  const inside = (p: number) => p >= margin && p < width - margin;
  const moduleOf = Int32Array.from({ length: width }, (_, p) => (inside(p) ? Math.floor((p - margin) / scale) : -1));
  const quiet = Buffer.alloc(width, 255);
  const lines = new Map<number, Buffer>();
  const lineFor = (row: number): Buffer => {
    if (row < 0) return quiet;
    let line = lines.get(row);
    if (!line) {
      line = Buffer.alloc(width, 255);
      for (let p = 0; p < width; p++) if (moduleOf[p] >= 0 && data[row * n + moduleOf[p]]) line[p] = 0;
      lines.set(row, line);
    }
    return line;
  };
  const gray = Buffer.allocUnsafe(width * width);
  for (let y = 0; y < width; y++) lineFor(moduleOf[y]).copy(gray, y * width);
  // pngjs packs it; filter "none" keeps its per-pixel work trivial and deflate runs on libuv's pool.
  const png = new PNG({ width, height: width, colorType: 0, inputColorType: 0, bitDepth: 8, filterType: 0 });
  png.data = gray;
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    png
      .pack()
      .on('data', (c: Buffer) => parts.push(c))
      .on('end', () => resolve(Buffer.concat(parts)))
      .on('error', reject);
  });
}

export function renderQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN });
}
