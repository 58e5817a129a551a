import * as ExcelJS from 'exceljs';
import { readCell } from './cell-values';
import { FIRST_DATA_ROW, LedgerSheet } from './ledger-sheet';
import { streamLedgerRows } from './streaming-reader';
import { buildTemplate } from './template-builder';
import { loadWorkbook, readLedgerRows } from './workbook-reader';
import { assertZipWithinLimits, sheetDimensionRows } from './zip-limits';

const SHEET: LedgerSheet = {
  sheetName: '物品台账',
  title: '物品台账导入',
  columns: [
    { key: 'name', header: '名称', hint: 'name', type: 'string', required: true },
    {
      key: 'kind',
      header: '类型',
      hint: 'kind',
      type: 'enum',
      required: true,
      options: [
        { value: 'arc', label: '电弧' },
        { value: 'gas', label: '气焊' },
      ],
    },
    { key: 'power', header: '功率(kVA)', hint: 'power', type: 'number', required: false },
    { key: 'boughtOn', header: '购置日期', hint: 'boughtOn', type: 'date', required: true },
    { key: 'serial', header: '出厂编号', hint: 'serial', type: 'string', required: true },
  ],
};

async function fill(rows: unknown[][]): Promise<Buffer> {
  const wb = await loadWorkbook(await buildTemplate(SHEET));
  const ws = wb.getWorksheet(SHEET.sheetName)!;
  rows.forEach((values, i) =>
    values.forEach((v, c) => {
      ws.getCell(FIRST_DATA_ROW + i, c + 1).value = v as ExcelJS.CellValue;
    }),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The streaming reader (worker) must read exactly what the in-memory reader reads. */
describe('streaming ledger reader', () => {
  it('reads the same rows, values and cell errors as the in-memory reader, dates and rich text included', async () => {
    const file = await fill([
      ['  一号焊机 ', '电弧', 12.5, new Date(Date.UTC(2024, 2, 1)), 'SN-1'],
      [],
      ['二号', 'gas', '7', '2024/3/9', 'SN-2'],
      [{ richText: [{ text: '三' }, { text: '号' }] }, '激光', 'x', 'someday', { formula: '"SN-"&3', result: 'SN-3' }],
      ['', '电弧', 1, 45352, ''],
    ]);
    const streamed = await streamLedgerRows(file, SHEET);
    expect(streamed).toEqual(readLedgerRows(await loadWorkbook(file), SHEET));
    expect(streamed.rows.map((r) => r.row)).toEqual([3, 5, 6, 7]);
    expect(streamed.rows[0].values).toEqual({
      name: '一号焊机',
      kind: 'arc',
      power: 12.5,
      boughtOn: '2024-03-01',
      serial: 'SN-1',
    });
  });

  it('finds a sheet by its headers and reports header problems like the in-memory reader', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['名称', '类型']);
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['名称*', '类型', '类型', '备注']);
    ws.addRow(['甲', '电弧', '气焊', 'x']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await streamLedgerRows(file, SHEET)).toEqual(readLedgerRows(await loadWorkbook(file), SHEET));
    const none = new ExcelJS.Workbook();
    none.addWorksheet('Other').addRow(['a', 'b']);
    expect((await streamLedgerRows(Buffer.from(await none.xlsx.writeBuffer()), SHEET)).headerErrors).toEqual([
      expect.objectContaining({ code: 'sheetNotFound' }),
    ]);
  });

  it('stops at the row cap, and at the cap on rows walked, with the rows read so far', async () => {
    const file = await fill(Array.from({ length: 6 }, (_, i) => ['n', '电弧', 1, '2024-01-01', `S${i}`]));
    expect((await streamLedgerRows(file, SHEET, { maxRows: 6 })).rows).toHaveLength(6);
    await expect(streamLedgerRows(file, SHEET, { maxRows: 4 })).rejects.toMatchObject({
      code: 'IMPORT_TOO_MANY_ROWS',
      details: { maxRows: 4, rowsRead: 6 },
    });
    await expect(streamLedgerRows(file, SHEET, { maxRows: 100, maxPhysicalRows: 3 })).rejects.toMatchObject({
      code: 'IMPORT_TOO_MANY_ROWS',
    });
  });

  it('makes NUL and lone surrogates in a cell a row error (they cannot be stored)', () => {
    for (const bad of ['甲\u0000乙', 'x\ud800', '\udc00y']) {
      expect(readCell(SHEET.columns[0], bad)).toMatchObject({ ok: false, code: 'invalidCharacters' });
    }
    expect(readCell(SHEET.columns[0], '焊工😀')).toEqual({ ok: true, value: '焊工😀' });
  });

  it('answers FILE_UNREADABLE for what is not a workbook', async () => {
    await expect(streamLedgerRows(Buffer.from('name,kind\n'), SHEET)).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
    });
    await expect(
      streamLedgerRows(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]), SHEET),
    ).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it("lists a real workbook's zip directory within limits and reads its sheet dimension", async () => {
    const file = await fill(Array.from({ length: 40 }, (_, i) => ['n', '电弧', 1, '2024-01-01', `S${i}`]));
    const entries = assertZipWithinLimits(file);
    const sheets = entries.filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name));
    expect(sheets.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sheets.map((e) => sheetDimensionRows(file, e) ?? 0))).toBeGreaterThanOrEqual(
      FIRST_DATA_ROW + 39,
    );
  });
});
