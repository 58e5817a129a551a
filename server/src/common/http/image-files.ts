/** Photos (site photos, certificate photos): JPEG or PNG by content, at most 5 MB. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** What multer hands over for an uploaded file (memory storage). */
export interface UploadedImage {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** The content type is decided by the bytes, never by the client's claim. */
export function sniffImageType(buf: Buffer): 'image/jpeg' | 'image/png' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length >= 8 && png.every((b, i) => buf[i] === b)) return 'image/png';
  return null;
}

/** A portrait must show a face: smaller than this on either side is not usable, larger is not a photo. */
export const MIN_PORTRAIT_SIDE = 64;
export const MAX_PORTRAIT_SIDE = 8000;

export type CleanImage =
  | { ok: true; contentType: 'image/jpeg' | 'image/png'; data: Buffer; width: number; height: number }
  | { ok: false; problem: 'unsupportedType' | 'damaged' | 'dimensions' };

/**
 * A JPEG or PNG checked by its structure (not decoded) and stripped of metadata: EXIF (GPS position,
 * camera, time), XMP, comments and text chunks are dropped, so a photo never carries where and when it
 * was taken. Anything that is not whole — a segment or chunk running past the end, no frame header, bytes
 * after the end marker — is refused.
 */
export function cleanImage(buf: Buffer): CleanImage {
  const type = sniffImageType(buf);
  if (type === 'image/jpeg') return cleanJpeg(buf);
  if (type === 'image/png') return cleanPng(buf);
  return { ok: false, problem: 'unsupportedType' };
}

const sized = (contentType: 'image/jpeg' | 'image/png', data: Buffer, width: number, height: number): CleanImage =>
  Math.min(width, height) < MIN_PORTRAIT_SIDE || Math.max(width, height) > MAX_PORTRAIT_SIDE
    ? { ok: false, problem: 'dimensions' }
    : { ok: true, contentType, data, width, height };

function cleanJpeg(buf: Buffer): CleanImage {
  const damaged: CleanImage = { ok: false, problem: 'damaged' };
  if (buf.length < 4 || buf[buf.length - 2] !== 0xff || buf[buf.length - 1] !== 0xd9) return damaged;
  const out: Buffer[] = [buf.subarray(0, 2)];
  let i = 2;
  let size: { width: number; height: number } | null = null;
  while (i < buf.length) {
    if (buf[i] !== 0xff) return damaged;
    while (buf[i] === 0xff && i < buf.length) i++; // fill bytes
    const marker = buf[i++];
    if (marker === undefined) return damaged;
    if (marker === 0xd9) return damaged; // EOI before any scan
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (i + 2 > buf.length) return damaged;
    const len = buf.readUInt16BE(i);
    if (len < 2 || i + len > buf.length) return damaged;
    const segment = buf.subarray(i - 2, i + len);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (len < 8) return damaged;
      size = { height: buf.readUInt16BE(i + 3), width: buf.readUInt16BE(i + 5) };
    }
    if (marker === 0xda) {
      if (!size) return damaged;
      // The scan and everything after it (entropy-coded data, further scans, EOI) are kept as they are.
      out.push(Buffer.from([0xff, marker]), buf.subarray(i));
      return sized('image/jpeg', Buffer.concat(out), size.width, size.height);
    }
    // APP0 (JFIF) and APP14 (Adobe colour transform) are needed to show the picture right; other APPn
    // (EXIF, XMP, ICC, maker notes) and comments are metadata.
    const metadata = (marker >= 0xe1 && marker <= 0xef && marker !== 0xee) || marker === 0xfe;
    if (!metadata) out.push(Buffer.from([0xff, marker]), segment.subarray(2));
    i += len;
  }
  return damaged;
}

/** Chunks that draw the picture; everything else (text, EXIF, time, private chunks) is dropped. */
const PNG_KEPT = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'pHYs']);

function cleanPng(buf: Buffer): CleanImage {
  const damaged: CleanImage = { ok: false, problem: 'damaged' };
  const out: Buffer[] = [buf.subarray(0, 8)];
  let i = 8;
  let size: { width: number; height: number } | null = null;
  while (i + 12 <= buf.length) {
    const len = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    const end = i + 12 + len;
    if (!/^[A-Za-z]{4}$/.test(type) || end > buf.length) return damaged;
    if (i === 8) {
      if (type !== 'IHDR' || len !== 13) return damaged;
      size = { width: buf.readUInt32BE(i + 8), height: buf.readUInt32BE(i + 12) };
    }
    if (PNG_KEPT.has(type)) out.push(buf.subarray(i, end));
    else if (type[0] === type[0].toUpperCase()) return damaged; // an unknown critical chunk
    i = end;
    if (type === 'IEND') {
      if (i !== buf.length || !size) return damaged;
      return sized('image/png', Buffer.concat(out), size.width, size.height);
    }
  }
  return damaged;
}
