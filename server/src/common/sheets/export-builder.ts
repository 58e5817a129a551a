import * as ExcelJS from 'exceljs';
import { chinaDate } from '../time/china-date';
import { neutraliseText } from './cell-safety';

export type ExportValue = string | number | boolean | null | undefined;

/** One column of an export: a Chinese header and how to read it from a view. */
export interface ExportColumn<T> {
  header: string;
  width?: number;
  value: (item: T) => ExportValue;
}

export const EXPORT_HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
const CST_OFFSET_MS = 8 * 3600 * 1000;

/** Instants are shown in China time, "YYYY-MM-DD HH:mm". */
export function chinaDateTime(at: Date | string | null | undefined): string | null {
  if (!at) return null;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return null;
  return `${chinaDate(d)} ${new Date(d.getTime() + CST_OFFSET_MS).toISOString().slice(11, 16)}`;
}

/** A header row and its width, as sent to an export worker (functions do not cross threads). */
export interface ExportHeader {
  header: string;
  width?: number;
}

/** A column's width: its own, or enough for its (Chinese) header. */
export function headerWidth(c: ExportHeader): number {
  return c.width ?? Math.max(12, c.header.length * 2 + 4);
}

/** Reads every cell of every row on the calling thread: cheap; the workbook is the costly part. */
export function exportRows<T>(columns: ExportColumn<T>[], items: T[]): ExportValue[][] {
  return items.map((item) => columns.map((c) => c.value(item) ?? null));
}

/**
 * A workbook from any list of views. Views are already masked, so personal data leaves the
 * platform only in masked form.
 */
export async function buildExport<T>(sheetName: string, columns: ExportColumn<T>[], items: T[]): Promise<Buffer> {
  return buildWorkbook(sheetName, columns, exportRows(columns, items));
}

/** The workbook of already-read rows (what buildExport does after reading the cells; run by the export worker). */
export async function buildWorkbook(
  sheetName: string,
  columns: ExportHeader[],
  rows: ExportValue[][],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ArcGate';
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({
    header: c.header,
    key: `c${i}`,
    width: headerWidth(c),
  }));
  const header = ws.getRow(1);
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.eachCell((cell) => {
    cell.fill = EXPORT_HEADER_FILL;
  });
  for (const row of rows) {
    // Strings become text cells, and text that looks like a formula is neutralised: views carry
    // user input (names, addresses, notes) that must stay inert when the file is edited or saved as CSV.
    ws.addRow(row.map((v) => (typeof v === 'string' ? neutraliseText(v) : (v ?? null))));
  }
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
