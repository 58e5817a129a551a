import * as ExcelJS from 'exceljs';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { primitiveOf } from '../../common/sheets/cell-primitive';
import { readCell } from './cell-values';
import {
  ERROR_COLUMN_HEADER,
  GUIDE_SHEET_NAME,
  HEADER_ROW,
  HINT_ROW,
  hintText,
  TEMPLATE_LANGS,
  LedgerColumn,
  LedgerSheet,
  MAX_IMPORT_ROWS,
  ParsedRow,
  RowError,
} from './ledger-sheet';

export interface SheetReadResult {
  /** Problems with the header row (missing, unknown or repeated columns); rows are still read. */
  headerErrors: RowError[];
  rows: ParsedRow[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function unreadable(): DomainError {
  return new DomainError(
    ErrorCode.FILE_UNREADABLE,
    '文件无法读取: 不是有效的 .xlsx 工作簿 (file is not a readable .xlsx workbook)',
  );
}

/** Loads an .xlsx; anything that is not a readable workbook is a 400, never a 500. */
export async function loadWorkbook(buffer: Buffer): Promise<ExcelJS.Workbook> {
  if (buffer.length < ZIP_MAGIC.length || !buffer.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) throw unreadable();
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs' typings predate Node's generic Buffer.
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch {
    throw unreadable();
  }
  return wb;
}

export function headerTextOf(cell: ExcelJS.Cell): string {
  const v = primitiveOf(cell.value);
  // A trailing "*" is a common way to mark required columns; tolerate it.
  return typeof v === 'string' || typeof v === 'number'
    ? String(v)
        .trim()
        .replace(/\s*[*＊]$/, '')
    : '';
}

/** Whether a header row names at least one of the ledger's columns. */
export function headerRowHits(row: ExcelJS.Row, sheet: LedgerSheet): boolean {
  const headers = new Set(sheet.columns.map((c) => c.header));
  let hit = false;
  row.eachCell((cell) => {
    if (headers.has(headerTextOf(cell))) hit = true;
  });
  return hit;
}

/** The sheet named in the definition, else the first one (not 说明) whose header row names one of our columns. */
export function findDataSheet(wb: ExcelJS.Workbook, sheet: LedgerSheet): ExcelJS.Worksheet | undefined {
  const named = wb.getWorksheet(sheet.sheetName);
  if (named) return named;
  return wb.worksheets.find((ws) => ws.name !== GUIDE_SHEET_NAME && headerRowHits(ws.getRow(HEADER_ROW), sheet));
}

export interface HeaderMap {
  byColumn: Map<number, LedgerColumn>;
  errors: RowError[];
  /** Keys of the ledger columns the header row has. */
  mapped: Set<string>;
}

/** Matches the header row's Chinese texts to the ledger's columns. */
export function mapHeaderRow(headerRow: ExcelJS.Row, sheet: LedgerSheet): HeaderMap {
  const byHeader = new Map(sheet.columns.map((c) => [c.header, c]));
  const byColumn = new Map<number, LedgerColumn>();
  const seen = new Set<string>();
  const errors: RowError[] = [];
  headerRow.eachCell((cell, colNumber) => {
    const text = headerTextOf(cell);
    if (!text || text === ERROR_COLUMN_HEADER) return;
    const col = byHeader.get(text);
    if (!col) {
      errors.push({
        row: HEADER_ROW,
        column: text,
        field: null,
        code: 'unknownColumn',
        message: `未知的列「${text}」`,
      });
    } else if (seen.has(col.key)) {
      errors.push({
        row: HEADER_ROW,
        column: text,
        field: col.key,
        code: 'duplicateColumn',
        message: `列「${text}」重复`,
      });
    } else {
      seen.add(col.key);
      byColumn.set(colNumber, col);
    }
  });
  for (const col of sheet.columns) {
    if (col.required && !seen.has(col.key))
      errors.push({
        row: HEADER_ROW,
        column: col.header,
        field: col.key,
        code: 'missingColumn',
        message: `缺少必填列「${col.header}」`,
      });
  }
  return { byColumn, errors, mapped: seen };
}

export function sheetNotFound(sheet: LedgerSheet): RowError {
  return {
    row: HEADER_ROW,
    column: null,
    field: null,
    code: 'sheetNotFound',
    message: `找不到「${sheet.sheetName}」表，或表头与模板不符`,
  };
}

/** `rowsRead`: sheet rows read when the reader stopped (it stops at the cap, never reads the rest). */
export function tooManyRows(maxRows: number, rowsRead?: number): DomainError {
  return new DomainError(
    ErrorCode.IMPORT_TOO_MANY_ROWS,
    `每个文件最多 ${maxRows} 行数据，请拆分后分批导入 (at most ${maxRows} rows per file)`,
    [{ field: 'file', code: 'tooManyRows', message: `at most ${maxRows} data rows per file` }],
    rowsRead === undefined ? { maxRows } : { maxRows, rowsRead },
  );
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    node[p] = node[p] ?? {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

function isHintRow(row: ExcelJS.Row, byColumn: Map<number, LedgerColumn>): boolean {
  let matched = 0;
  let other = 0;
  row.eachCell((cell, colNumber) => {
    const col = byColumn.get(colNumber);
    const v = primitiveOf(cell.value);
    if (v === null || v === '') return;
    if (col && typeof v === 'string' && TEMPLATE_LANGS.some((lang) => v.trim() === hintText(col, lang))) matched++;
    else other++;
  });
  return matched > 0 && other === 0;
}

/**
 * One data row as ledger values and cell-level errors, or null for an empty row or the template's
 * hint row. Shared by the in-memory and the streaming readers.
 */
export function parseDataRow(row: ExcelJS.Row, header: HeaderMap, sheet: LedgerSheet): ParsedRow | null {
  const r = row.number;
  if (r <= HEADER_ROW) return null;
  if (r === HINT_ROW && isHintRow(row, header.byColumn)) return null;
  const values: Record<string, unknown> = {};
  const errors: RowError[] = [];
  let filled = false;
  for (const [colNumber, col] of header.byColumn) {
    const res = readCell(col, row.getCell(colNumber).value);
    if (!res.ok) {
      filled = true;
      errors.push({ row: r, column: col.header, field: col.key, code: res.code, message: res.message });
    } else if (res.value !== undefined) {
      filled = true;
      setPath(values, col.key, res.value);
    }
  }
  if (!filled) return null;
  // A missing column is reported once, in headerErrors, not on every row.
  for (const col of sheet.columns.filter((c) => header.mapped.has(c.key))) {
    const present =
      col.key.split('.').reduce<unknown>((node, p) => (node as Record<string, unknown> | undefined)?.[p], values) !==
      undefined;
    if (col.required && !present && !errors.some((e) => e.field === col.key)) {
      errors.push({ row: r, column: col.header, field: col.key, code: 'isNotEmpty', message: `${col.header}: 必填` });
    }
  }
  return { row: r, values, errors };
}

/** Reads the data rows of an uploaded ledger: header matching by Chinese text, empty rows skipped. */
export function readLedgerRows(wb: ExcelJS.Workbook, sheet: LedgerSheet, maxRows = MAX_IMPORT_ROWS): SheetReadResult {
  const ws = findDataSheet(wb, sheet);
  if (!ws) return { headerErrors: [sheetNotFound(sheet)], rows: [] };
  const header = mapHeaderRow(ws.getRow(HEADER_ROW), sheet);
  const rows: ParsedRow[] = [];
  // Only rows that exist: a stray format far down the sheet must not make us walk a million rows.
  const existing: ExcelJS.Row[] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    if (row.number > HEADER_ROW) existing.push(row);
  });
  for (const row of existing) {
    const parsed = parseDataRow(row, header, sheet);
    if (!parsed) continue;
    if (rows.length >= maxRows) throw tooManyRows(maxRows);
    rows.push(parsed);
  }
  return { headerErrors: header.errors, rows };
}
