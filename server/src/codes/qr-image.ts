import QRCode from 'qrcode';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';

const deflateAsync = promisify(deflate);

/** Medium error correction (~15%) survives scuffed labels while keeping modules large enough to scan. */
export const QR_ERROR_CORRECTION = 'M' as const;
/** Quiet zone in modules; scanners need some, labels have little room. */
export const QR_MARGIN = 2;
export const QR_PNG_MIN_SIZE = 128;
export const QR_PNG_MAX_SIZE = 1024;
export const QR_PNG_DEFAULT_SIZE = 512;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf: Buffer): number {
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A grey-scale PNG of the QR, pixel for pixel what qrcode's own PNG renderer draws (same module
 * mapping), but built from one scanline per module row and deflated on libuv's thread pool:
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
  const quiet = Buffer.alloc(width + 1, 255);
  quiet[0] = 0; // filter: none
  const lines = new Map<number, Buffer>();
  const lineFor = (row: number): Buffer => {
    if (row < 0) return quiet;
    let line = lines.get(row);
    if (!line) {
      line = Buffer.alloc(width + 1, 255);
      line[0] = 0;
      for (let p = 0; p < width; p++) if (moduleOf[p] >= 0 && data[row * n + moduleOf[p]]) line[p + 1] = 0;
      lines.set(row, line);
    }
    return line;
  };
  const raw = Buffer.allocUnsafe((width + 1) * width);
  for (let y = 0; y < width; y++) lineFor(moduleOf[y]).copy(raw, y * (width + 1));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey-scale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', await deflateAsync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export function renderQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN });
}
