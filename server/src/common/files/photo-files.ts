import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

export const MAX_REPORT_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** The part of a multer (memory storage) file that is used. */
export interface UploadedPhoto {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface CheckedPhoto {
  contentType: 'image/jpeg' | 'image/png';
  data: Buffer;
}

/** The bytes decide the type, never the client's claim. */
export function sniffPhotoType(buf: Buffer): CheckedPhoto['contentType'] | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length >= 8 && png.every((b, i) => buf[i] === b)) return 'image/png';
  return null;
}

/** At most three JPEG or PNG photos of at most 5 MB each (multer enforces the size while reading). */
export function checkPhotos(files: UploadedPhoto[] | undefined): CheckedPhoto[] {
  const list = files ?? [];
  if (list.length > MAX_REPORT_PHOTOS)
    throw DomainError.invalid(
      'photos',
      'arrayMaxSize',
      `最多上传 ${MAX_REPORT_PHOTOS} 张照片 (at most ${MAX_REPORT_PHOTOS} photos)`,
    );
  return list.map((f, i) => {
    if (!f.buffer?.length) throw DomainError.invalid(`photos[${i}]`, 'isNotEmpty', '照片文件为空 (the photo is empty)');
    if (f.buffer.length > MAX_PHOTO_BYTES)
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, '照片不能超过 5 MB (a photo may be at most 5 MB)', [
        { field: `photos[${i}]`, code: 'maxSize', message: 'at most 5 MB' },
      ]);
    const contentType = sniffPhotoType(f.buffer);
    if (!contentType) {
      throw new DomainError(ErrorCode.UNSUPPORTED_FILE, '照片只能是 JPEG 或 PNG (photos must be JPEG or PNG)', [
        { field: `photos[${i}]`, code: 'unsupportedFile', message: 'not a JPEG or PNG image' },
      ]);
    }
    return { contentType, data: f.buffer };
  });
}
