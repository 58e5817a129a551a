import { CellValue } from 'exceljs';
import { primitiveOf } from '../../common/sheets/cell-primitive';
import { restoreText } from '../../common/sheets/cell-safety';
import { LedgerColumn } from './ledger-sheet';

/** The outcome of reading one cell: a value (undefined = empty) or a problem with a code. */
export type CellResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** 9999-12-31, the largest date Excel can show. */
const MAX_EXCEL_SERIAL = 2_958_465;

/** Excel stores dates as UTC day counts; exceljs hands date-formatted cells back as UTC midnights. */
export function isoDateOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && y <= 9999 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Accepts 2024-03-01, 2024/3/1, 2024.3.1 and 2024年3月1日. */
export function parseDateText(text: string): string | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return null;
  return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
}

export function excelSerialToIsoDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > MAX_EXCEL_SERIAL) return null;
  return isoDateOf(new Date(EXCEL_EPOCH_MS + Math.floor(serial) * DAY_MS));
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function fail(code: string, message: string): CellResult {
  return { ok: false, code, message };
}

/** Converts one raw cell into the value the DTO expects, according to the column definition. */
export function readCell(column: LedgerColumn, raw: CellValue): CellResult {
  const v = primitiveOf(raw);
  if (v !== null && typeof v === 'object' && !(v instanceof Date))
    return fail('cellError', `${column.header}: 单元格含错误值 ${v.error}`);
  // An error report neutralised formula-like text with an apostrophe; uploaded again, it is the user's text.
  const text = typeof v === 'string' ? restoreText(v.trim()) : v;
  if (text === null || text === '') return { ok: true, value: undefined };
  // PostgreSQL cannot store NUL, and a lone surrogate is no text at all: a row error, not a failed write.
  if (typeof text === 'string' && UNSTORABLE.test(text))
    return fail('invalidCharacters', `${column.header}: 含有无法保存的字符`);

  switch (column.type) {
    case 'string':
      if (text instanceof Date) return { ok: true, value: isoDateOf(text) };
      return { ok: true, value: String(text) };
    case 'number': {
      if (typeof text === 'number')
        return Number.isFinite(text) ? { ok: true, value: text } : fail('isNumber', `${column.header}: 必须是数字`);
      if (typeof text === 'string' && /^[-+]?\d+(\.\d+)?$/.test(text)) return { ok: true, value: Number(text) };
      return fail('isNumber', `${column.header}: 必须是数字`);
    }
    case 'date': {
      const iso =
        text instanceof Date
          ? isoDateOf(text)
          : typeof text === 'number'
            ? excelSerialToIsoDate(text)
            : typeof text === 'string'
              ? parseDateText(text)
              : null;
      return iso ? { ok: true, value: iso } : fail('isDate', `${column.header}: 必须是日期，如 2024-03-01`);
    }
    case 'enum': {
      const s = String(text);
      const option = column.options?.find((o) => o.label === s || o.value.toLowerCase() === s.toLowerCase());
      if (option) return { ok: true, value: option.value };
      return fail(
        'isEnum',
        `${column.header}: 必须是以下之一: ${(column.options ?? []).map((o) => o.label).join('、')}`,
      );
    }
  }
}
