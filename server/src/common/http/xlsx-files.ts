import { StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Browsers and tools label .xlsx uploads inconsistently; the content itself is checked when loading. */
const ACCEPTED_UPLOAD_TYPES = new Set([
  XLSX_MIME,
  'application/octet-stream',
  'application/zip',
  'application/x-zip-compressed',
]);

/** The part of a multer file we use (multer's own typings are not installed). */
export interface UploadedSheet {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** Missing file: 400 with a field error; anything but .xlsx: 415. */
export function assertXlsxUpload(file: UploadedSheet | undefined): asserts file is UploadedSheet {
  if (!file || !file.buffer?.length)
    throw DomainError.invalid('file', 'isNotEmpty', '请上传 .xlsx 文件 (multipart field "file")');
  const isXlsxName = /\.xlsx$/i.test(file.originalname ?? '');
  if (!isXlsxName || !ACCEPTED_UPLOAD_TYPES.has((file.mimetype ?? '').toLowerCase())) {
    throw new DomainError(ErrorCode.UNSUPPORTED_FILE, '只接受 .xlsx 文件 (only .xlsx workbooks are accepted)', [
      {
        field: 'file',
        code: 'unsupportedFile',
        message: `got ${file.mimetype || 'unknown type'} "${file.originalname}"`,
      },
    ]);
  }
}

/** RFC 5987 percent-encoding: encodeURIComponent leaves ' ( ) * unescaped, which attr-char forbids. */
export function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * An .xlsx download. The ASCII `filename` serves old clients; `filename*` carries the Chinese
 * name, e.g. 焊机台账-2026-01-05.xlsx.
 */
export function xlsxDownload(buffer: Buffer, asciiName: string, chineseName: string): StreamableFile {
  return new StreamableFile(buffer, {
    type: XLSX_MIME,
    length: buffer.length,
    disposition: `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc5987(chineseName)}`,
  });
}

/** An .xlsx download still being written (common/sheets/export-stream.ts): chunked, no length. */
export function xlsxStreamDownload(stream: Readable, asciiName: string, chineseName: string): StreamableFile {
  return new StreamableFile(stream, {
    type: XLSX_MIME,
    disposition: `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc5987(chineseName)}`,
  });
}
