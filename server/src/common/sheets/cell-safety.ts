import * as ExcelJS from 'exceljs';
import { primitiveOf } from './cell-primitive';

/** Text a spreadsheet (Excel, WPS, LibreOffice, or a CSV saved from one) may run as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEUTRALISED = /^'[=+\-@\t\r]/;

/**
 * User text as inert text: a leading apostrophe keeps =, +, -, @, tab or CR from starting a formula
 * when the cell is edited or the sheet is saved as CSV (OWASP "CSV injection").
 */
export function neutraliseText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** The reverse, for a neutralised report uploaded again: the user's own text, not ours. */
export function restoreText(s: string): string {
  return NEUTRALISED.test(s) ? s.slice(1) : s;
}

/**
 * One cell of a workbook that came from a user: a formula, rich text or link is replaced by what the
 * import read from it (its cached result, its text), and formula-like text is neutralised.
 */
export function makeCellInert(cell: ExcelJS.Cell): void {
  const v = cell.value;
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return;
  const read = typeof v === 'string' ? v : primitiveOf(v);
  if (typeof read !== 'string') {
    cell.value = read as ExcelJS.CellValue;
    return;
  }
  const safe = neutraliseText(read);
  if (safe === v) return;
  cell.value = safe;
  cell.numFmt = '@';
}

/** Every cell of every sheet (an uploaded workbook may carry formulas on any sheet). */
export function makeWorkbookInert(wb: ExcelJS.Workbook): void {
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => row.eachCell({ includeEmpty: false }, makeCellInert));
  }
}
