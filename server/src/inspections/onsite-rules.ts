import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import type { UploadedPhoto } from '../common/files/photo-files';

/** A signature drawn on a phone screen is a few KB to a few tens of KB; anything larger is not one. */
export const MAX_SIGNATURE_BYTES = 200 * 1024;
/** The canvas of a phone, at most a tablet's at 3×. */
export const MAX_SIGNATURE_SIDE = 4096;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND_TRAILER = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** A whole PNG: the magic, an IHDR first with a sane size, and the IEND trailer (not a truncated upload). */
export function isWholePng(buf: Buffer): boolean {
  if (buf.length < PNG_MAGIC.length + 25 + IEND_TRAILER.length) return false;
  if (!buf.subarray(0, 8).equals(PNG_MAGIC)) return false;
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') return false;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  if (width < 1 || height < 1 || width > MAX_SIGNATURE_SIDE || height > MAX_SIGNATURE_SIDE) return false;
  return buf.subarray(buf.length - IEND_TRAILER.length).equals(IEND_TRAILER);
}

/** 现场签字: one PNG of at most 200 KB; the bytes decide, never the client's claim. */
export function checkSignature(file: UploadedPhoto | undefined): Buffer {
  if (!file?.buffer?.length)
    throw DomainError.invalid('signature', 'isNotEmpty', '请在屏幕上签字 (the signature is missing)');
  if (file.buffer.length > MAX_SIGNATURE_BYTES)
    throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, '签字图片不能超过 200 KB (a signature may be at most 200 KB)', [
      { field: 'signature', code: 'maxSize', message: 'at most 200 KB', params: { maxBytes: MAX_SIGNATURE_BYTES } },
    ]);
  if (!isWholePng(file.buffer))
    throw new DomainError(ErrorCode.UNSUPPORTED_FILE, '签字须为 PNG 图片 (the signature must be a PNG image)', [
      { field: 'signature', code: 'notPng', message: 'not a whole PNG image' },
    ]);
  return file.buffer;
}
