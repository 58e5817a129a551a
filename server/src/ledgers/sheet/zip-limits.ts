import { inflateRawSync } from 'node:zlib';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';

/**
 * Limits checked on the zip's central directory, before any XML is inflated: an .xlsx is a zip, and
 * a few megabytes of zip can inflate to gigabytes (zip bomb). Generous for real ledgers: a full
 * 2,000-row sheet is about 1-3 MB of XML.
 */
export const ZIP_LIMITS = {
  maxEntries: 500,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  /** Inflated / compressed, checked on entries above ratioFloorBytes (tiny entries compress oddly). */
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
} as const;

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
const ZIP64_MARK = 0xffffffff;

export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function unreadable(detail: string): DomainError {
  return new DomainError(
    ErrorCode.FILE_UNREADABLE,
    '文件无法读取: 不是有效的 .xlsx 工作簿 (file is not a readable .xlsx workbook)',
    [{ field: 'file', code: 'unreadable', message: detail }],
  );
}

function tooLarge(code: string, message: string, details: Record<string, unknown>): DomainError {
  return new DomainError(
    ErrorCode.IMPORT_FILE_TOO_LARGE,
    `${message} (the workbook is too large to import)`,
    [{ field: 'file', code, message }],
    details,
  );
}

/** The entries listed in the central directory (names and declared sizes); throws on a malformed zip. */
export function listZipEntries(buf: Buffer): ZipEntryInfo[] {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable('no zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === ZIP64_MARK) throw tooLarge('zip64', 'ZIP64 工作簿不受支持', { limit: 'zip64' });
  if (count > ZIP_LIMITS.maxEntries)
    throw tooLarge('tooManyEntries', `压缩包内文件过多 (${count} > ${ZIP_LIMITS.maxEntries})`, {
      entries: count,
      maxEntries: ZIP_LIMITS.maxEntries,
    });
  if (cdOffset + cdSize > buf.length) throw unreadable('central directory outside the file');
  const entries: ZipEntryInfo[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN_SIG) throw unreadable('broken central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localHeaderOffset = buf.readUInt32LE(p + 42);
    if (compressedSize === ZIP64_MARK || size === ZIP64_MARK || localHeaderOffset === ZIP64_MARK)
      throw tooLarge('zip64', 'ZIP64 工作簿不受支持', { limit: 'zip64' });
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Refuses a workbook whose declared inflated sizes are too large or whose compression ratio looks
 * like a zip bomb. Declared sizes can lie: the parser also runs in a memory-capped worker with a
 * row cap and a time limit, so a lie costs the worker, never the server.
 */
export function assertZipWithinLimits(buf: Buffer): ZipEntryInfo[] {
  const entries = listZipEntries(buf);
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (e.size > ZIP_LIMITS.ratioFloorBytes && e.size / Math.max(1, e.compressedSize) > ZIP_LIMITS.maxRatio) {
      throw tooLarge('zipBomb', `压缩比异常 (${e.name}), 疑似压缩炸弹`, {
        entry: e.name,
        ratio: Math.round(e.size / Math.max(1, e.compressedSize)),
        maxRatio: ZIP_LIMITS.maxRatio,
      });
    }
    if (e.size > ZIP_LIMITS.maxEntryBytes) {
      throw tooLarge('entryTooLarge', `工作簿内容过大: ${e.name} 解压后 ${e.size} 字节`, {
        entry: e.name,
        size: e.size,
        maxEntryBytes: ZIP_LIMITS.maxEntryBytes,
      });
    }
  }
  if (total > ZIP_LIMITS.maxTotalBytes) {
    throw tooLarge('uncompressedTooLarge', `工作簿解压后过大 (${total} 字节)`, {
      size: total,
      maxTotalBytes: ZIP_LIMITS.maxTotalBytes,
    });
  }
  return entries;
}

/**
 * The last row named by a worksheet's <dimension ref="A1:K150000"/>, read by inflating only the first
 * few KB of its XML: an estimate for progress (stray formatting can make it larger than the data).
 */
export function sheetDimensionRows(buf: Buffer, entry: ZipEntryInfo): number | null {
  try {
    const p = entry.localHeaderOffset;
    if (buf.readUInt32LE(p) !== LOC_SIG) return null;
    const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
    const head = buf.subarray(start, start + Math.min(entry.compressedSize, 4096));
    const xml =
      entry.method === 0
        ? head.toString('utf8')
        : inflateRawSync(head, {
            finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is fine */,
            maxOutputLength: 1024 * 1024,
          }).toString('utf8');
    const m = /<(?:\w+:)?dimension\s+ref="(?:[A-Z]{1,3}\d+:)?[A-Z]{1,3}(\d+)"/.exec(xml);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
