import * as ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { DomainError } from '../../common/errors/domain-error';
import { GUIDE_SHEET_NAME, HEADER_ROW, LedgerSheet, MAX_IMPORT_ROWS, ParsedRow } from './ledger-sheet';
import {
  HeaderMap,
  headerRowHits,
  mapHeaderRow,
  parseDataRow,
  SheetReadResult,
  sheetNotFound,
  tooManyRows,
  unreadable,
} from './workbook-reader';

/**
 * Rows present in the sheet XML (filled or not) that are walked before giving up: a sheet of
 * formatted empty rows must not keep a worker busy for minutes.
 */
export const MAX_PHYSICAL_ROWS = 20 * MAX_IMPORT_ROWS;

export interface StreamReadOptions {
  maxRows?: number;
  maxPhysicalRows?: number;
  /** Called every few hundred rows with the number of sheet rows read so far. */
  onProgress?: (rowsRead: number) => void;
}

type StreamSheet = AsyncIterable<ExcelJS.Row> & { name?: string };
type StreamBook = AsyncIterable<StreamSheet> & { model?: { sheets?: { name: string }[] } };

const NO_HEADER = { eachCell: () => undefined } as unknown as ExcelJS.Row;
const PROGRESS_EVERY = 250;

/**
 * Reads a ledger row by row from the zip stream (exceljs WorkbookReader), never holding the whole
 * workbook: it stops with IMPORT_TOO_MANY_ROWS as soon as the row cap is passed. Same header and
 * row rules as readLedgerRows.
 */
export async function streamLedgerRows(
  upload: Buffer,
  sheet: LedgerSheet,
  opts: StreamReadOptions = {},
): Promise<SheetReadResult> {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const maxPhysical = opts.maxPhysicalRows ?? MAX_PHYSICAL_ROWS;
  // A non-zip is FILE_UNREADABLE, not a parser crash.
  if (upload.length < 4 || upload.readUInt32LE(0) !== 0x04034b50) throw unreadable();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([upload]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as StreamBook;
  let physical = 0;
  try {
    for await (const ws of reader) {
      const name = ws.name ?? '';
      if (name === GUIDE_SHEET_NAME) continue;
      const namedExists = (reader.model?.sheets ?? []).some((s) => s.name === sheet.sheetName);
      if (namedExists && name !== sheet.sheetName) continue;
      const byName = name === sheet.sheetName;
      let header: HeaderMap | null = null;
      const rows: ParsedRow[] = [];
      let rejected = false;
      for await (const row of ws) {
        if (!header) {
          const headerRow = row.number === HEADER_ROW ? row : NO_HEADER;
          if (!byName && !headerRowHits(headerRow, sheet)) {
            rejected = true;
            break;
          }
          header = mapHeaderRow(headerRow, sheet);
          if (row.number === HEADER_ROW) continue;
        }
        if (++physical > maxPhysical) throw tooManyRows(maxRows, physical);
        if (physical % PROGRESS_EVERY === 0) opts.onProgress?.(physical);
        const parsed = parseDataRow(row, header, sheet);
        if (!parsed) continue;
        if (rows.length >= maxRows) throw tooManyRows(maxRows, physical);
        rows.push(parsed);
      }
      if (rejected) continue;
      opts.onProgress?.(physical);
      if (!header) {
        if (!byName) continue;
        header = mapHeaderRow(NO_HEADER, sheet);
      }
      return { headerErrors: header.errors, rows };
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // A zip or XML the parser cannot read is the file's fault, not ours.
    throw unreadable();
  }
  return { headerErrors: [sheetNotFound(sheet)], rows: [] };
}
