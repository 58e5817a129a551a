import * as ExcelJS from 'exceljs';
import { primitiveOf } from '../../common/sheets/cell-primitive';
import { makeWorkbookInert } from '../../common/sheets/cell-safety';
import { ERROR_COLUMN_HEADER, HEADER_ROW, LedgerSheet, RowError } from './ledger-sheet';
import { findDataSheet, loadWorkbook } from './workbook-reader';

const ERROR_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const ERROR_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF9C0006' } };

function errorColumnOf(ws: ExcelJS.Worksheet): number {
  let found = 0;
  ws.getRow(HEADER_ROW).eachCell((cell, col) => {
    if (primitiveOf(cell.value) === ERROR_COLUMN_HEADER) found = col;
  });
  return found || ws.getRow(HEADER_ROW).cellCount + 1;
}

/**
 * The uploaded workbook with a 错误 column saying what is wrong on each rejected row, so that
 * users fix the file they already have and upload it again (the 错误 column is then ignored).
 */
export async function buildErrorReport(upload: Buffer, sheet: LedgerSheet, errors: RowError[]): Promise<Buffer> {
  const wb = await loadWorkbook(upload);
  // The report goes back to users who open it in a spreadsheet: nothing uploaded may run there.
  makeWorkbookInert(wb);
  const ws = findDataSheet(wb, sheet) ?? wb.worksheets[0] ?? wb.addWorksheet(sheet.sheetName);
  const col = errorColumnOf(ws);
  const byRow = new Map<number, string[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e.message]);

  const header = ws.getCell(HEADER_ROW, col);
  header.value = ERROR_COLUMN_HEADER;
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
  const headerProblems = byRow.get(HEADER_ROW);
  header.note = headerProblems ? headerProblems.join('\n') : '本列由系统填写 (filled in by ArcGate)';
  ws.getColumn(col).width = 60;

  ws.eachRow({ includeEmpty: false }, (row) => {
    if (row.number === HEADER_ROW) return;
    const cell = row.getCell(col);
    const messages = byRow.get(row.number);
    cell.value = messages ? messages.join('；') : null;
    cell.style = messages ? { fill: ERROR_FILL, font: ERROR_FONT, alignment: { wrapText: true } } : {};
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
