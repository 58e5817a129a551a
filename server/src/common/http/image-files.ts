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
