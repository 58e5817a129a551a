import * as ExcelJS from 'exceljs';
import {
  IsDateString,
  IsEnum,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DomainError } from '../../common/errors/domain-error';
import { excelSerialToIsoDate, parseDateText, readCell } from './cell-values';
import { buildErrorReport } from './error-report';
import { buildExport } from '../../common/sheets/export-builder';
import { FIRST_DATA_ROW, GUIDE_SHEET_NAME, hintText, LedgerSheet, templateLang } from './ledger-sheet';
import { validateRows } from './row-validator';
import { buildTemplate } from './template-builder';
import { loadWorkbook, readLedgerRows } from './workbook-reader';

enum Kind {
  Arc = 'arc',
  Gas = 'gas',
}

class ThingDto {
  @IsUUID() ownerId!: string;
  @IsString() @MinLength(1) @MaxLength(20) name!: string;
  @IsEnum(Kind) kind!: Kind;
  @IsOptional() @IsNumber() @Min(0) power?: number;
  @IsDateString({ strict: true }) boughtOn!: string;
  @IsString() @MinLength(1) serial!: string;
}

const SHEET: LedgerSheet = {
  sheetName: '物品台账',
  title: '物品台账导入',
  uniqueWithinFile: [['serial']],
  columns: [
    { key: 'name', header: '名称', hint: 'name', type: 'string', required: true, example: '一号' },
    {
      key: 'kind',
      header: '类型',
      hint: 'kind',
      type: 'enum',
      required: true,
      options: [
        { value: Kind.Arc, label: '电弧' },
        { value: Kind.Gas, label: '气焊' },
      ],
      example: '电弧',
    },
    { key: 'power', header: '功率(kVA)', hint: 'power', type: 'number', required: false, example: 12.5 },
    { key: 'boughtOn', header: '购置日期', hint: 'boughtOn', type: 'date', required: true, example: '2024-03-01' },
    { key: 'serial', header: '出厂编号', hint: 'serial', type: 'string', required: true, example: 'SN-1' },
  ],
};
const OWNER = '6f1c1f3e-2d7a-4c55-9a53-1b2f3c4d5e6f';

async function fill(template: Buffer, rows: unknown[][], sheetName = SHEET.sheetName): Promise<Buffer> {
  const wb = await loadWorkbook(template);
  const ws = wb.getWorksheet(sheetName)!;
  rows.forEach((values, i) =>
    values.forEach((v, c) => {
      ws.getCell(FIRST_DATA_ROW + i, c + 1).value = v as ExcelJS.CellValue;
    }),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('ledger sheets', () => {
  it('generates a styled template with hints, a guide sheet and list validation for enums', async () => {
    const wb = await loadWorkbook(await buildTemplate(SHEET));
    const ws = wb.getWorksheet(SHEET.sheetName)!;
    expect(ws.getRow(1).values).toEqual([undefined, '名称', '类型', '功率(kVA)', '购置日期', '出厂编号']);
    expect(ws.getCell(2, 1).value).toBe(hintText(SHEET.columns[0]));
    expect(ws.getCell(2, 3).value).toBe('选填（数字）');
    expect(ws.getCell(1, 1).font?.bold).toBe(true);
    expect(ws.getCell(FIRST_DATA_ROW, 2).dataValidation).toMatchObject({ type: 'list', formulae: ['"电弧,气焊"'] });
    expect(ws.getCell(FIRST_DATA_ROW + 500, 2).dataValidation).toMatchObject({ type: 'list' });
    const guide = wb.getWorksheet(GUIDE_SHEET_NAME)!;
    expect(guide.getRow(3).values).toEqual(expect.arrayContaining(['类型', '是', '电弧 (arc)、气焊 (gas)', '电弧']));
  });

  it('writes the hint row in English on request, and skips the hint row of either language when reading', async () => {
    const en = await loadWorkbook(await buildTemplate(SHEET, 'en'));
    expect(en.getWorksheet(SHEET.sheetName)!.getCell(2, 3).value).toBe('power (optional)');
    expect(templateLang('en-US,en;q=0.9')).toBe('en');
    expect(templateLang('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(templateLang(undefined)).toBe('zh-CN');
    for (const lang of ['zh-CN', 'en'] as const) {
      const file = await fill(await buildTemplate(SHEET, lang), [['一号', '电弧', 1, '2024-03-01', 'SN-1']]);
      const { rows } = readLedgerRows(await loadWorkbook(file), SHEET);
      expect(rows.map((r) => r.row)).toEqual([FIRST_DATA_ROW]);
    }
  });

  it('gives the limits of a failed rule as params, so clients can word it', async () => {
    const rows = [
      { row: 3, values: { name: 'x', kind: 'arc', power: -1, boughtOn: '2024-03-01', serial: 'S' }, errors: [] },
    ];
    const { errors } = await validateRows(SHEET, rows, ThingDto, { ownerId: OWNER });
    expect(errors).toEqual([expect.objectContaining({ field: 'power', code: 'min', params: { constraint1: 0 } })]);
  });

  it('round-trips: template filled with exceljs parses back to DTO values', async () => {
    const file = await fill(await buildTemplate(SHEET), [
      ['  一号焊机 ', '电弧', 12.5, new Date(Date.UTC(2024, 2, 1)), 'SN-1'],
      [],
      ['二号', 'gas', '7', '2024/3/9', 'SN-2'],
    ]);
    const { rows, headerErrors } = readLedgerRows(await loadWorkbook(file), SHEET);
    expect(headerErrors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 3,
        values: { name: '一号焊机', kind: 'arc', power: 12.5, boughtOn: '2024-03-01', serial: 'SN-1' },
        errors: [],
      },
      { row: 5, values: { name: '二号', kind: 'gas', power: 7, boughtOn: '2024-03-09', serial: 'SN-2' }, errors: [] },
    ]);
    const { valid, errors } = await validateRows(SHEET, rows, ThingDto, { ownerId: OWNER });
    expect(errors).toEqual([]);
    expect(valid.map((v) => [v.row, v.dto instanceof ThingDto, v.dto.kind, v.dto.ownerId])).toEqual([
      [3, true, 'arc', OWNER],
      [5, true, 'gas', OWNER],
    ]);
  });

  it('reads date cells in every form people type them', () => {
    const col = SHEET.columns[3];
    expect(readCell(col, new Date(Date.UTC(2023, 11, 31)))).toEqual({ ok: true, value: '2023-12-31' });
    expect(readCell(col, 45352)).toEqual({ ok: true, value: '2024-03-01' });
    expect(readCell(col, '2024年3月1日')).toEqual({ ok: true, value: '2024-03-01' });
    expect(readCell(col, { formula: 'DATE(2024,3,1)', result: new Date(Date.UTC(2024, 2, 1)) })).toEqual({
      ok: true,
      value: '2024-03-01',
    });
    expect(readCell(col, '2024-02-30')).toMatchObject({ ok: false, code: 'isDate' });
    expect(readCell(col, 'soon')).toMatchObject({ ok: false, code: 'isDate' });
    expect(parseDateText('2024.12.5')).toBe('2024-12-05');
    expect(excelSerialToIsoDate(0)).toBeNull();
  });

  it('maps enum labels and values both ways and rejects anything else', () => {
    const col = SHEET.columns[1];
    expect(readCell(col, '气焊')).toEqual({ ok: true, value: 'gas' });
    expect(readCell(col, 'ARC')).toEqual({ ok: true, value: 'arc' });
    expect(readCell(col, { richText: [{ text: '电' }, { text: '弧' }] })).toEqual({ ok: true, value: 'arc' });
    expect(readCell(col, '激光')).toEqual({ ok: false, code: 'isEnum', message: '类型: 必须是以下之一: 电弧、气焊' });
  });

  it('reports row errors with Excel row numbers, Chinese columns and DTO fields', async () => {
    const file = await fill(await buildTemplate(SHEET), [
      ['好', '电弧', 1, '2024-01-01', 'A'],
      ['', '激光', -3, 'someday', 'A'],
      ['名字太长了名字太长了名字太长了名字太长了名字太长了', '气焊', 'x', '2024-01-01', ''],
    ]);
    const { rows } = readLedgerRows(await loadWorkbook(file), SHEET);
    const { valid, errors } = await validateRows(SHEET, rows, ThingDto, { ownerId: OWNER });
    expect(valid.map((v) => v.row)).toEqual([3]);
    expect(errors.map((e) => `${e.row}|${e.column}|${e.field}|${e.code}`).sort()).toEqual(
      [
        '4|功率(kVA)|power|min',
        '4|出厂编号|serial|duplicateInFile',
        '4|名称|name|isNotEmpty',
        '4|类型|kind|isEnum',
        '4|购置日期|boughtOn|isDate',
        '5|功率(kVA)|power|isNumber',
        '5|出厂编号|serial|isNotEmpty',
        '5|名称|name|maxLength',
      ].sort(),
    );
    expect(errors.find((e) => e.code === 'duplicateInFile')!.message).toBe('出厂编号 与第 3 行重复');
  });

  it('flags missing, unknown and repeated columns, and finds the sheet by its headers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['名称*', '类型', '类型', '备注', '错误']);
    ws.addRow(['甲', '电弧', '气焊', 'x', 'old error']);
    const { headerErrors, rows } = readLedgerRows(await loadWorkbook(Buffer.from(await wb.xlsx.writeBuffer())), SHEET);
    expect(headerErrors.map((e) => `${e.row}|${e.column}|${e.code}`)).toEqual([
      '1|类型|duplicateColumn',
      '1|备注|unknownColumn',
      '1|购置日期|missingColumn',
      '1|出厂编号|missingColumn',
    ]);
    expect(rows).toEqual([{ row: 2, values: { name: '甲', kind: 'arc' }, errors: [] }]);
  });

  it('refuses files that are not workbooks, and too many rows', async () => {
    await expect(loadWorkbook(Buffer.from('name,kind\n'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(
      loadWorkbook(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)])),
    ).rejects.toBeInstanceOf(DomainError);
    const file = await fill(
      await buildTemplate(SHEET),
      Array.from({ length: 4 }, (_, i) => ['n', '电弧', 1, '2024-01-01', `S${i}`]),
    );
    const wb = await loadWorkbook(file);
    expect(readLedgerRows(wb, SHEET, 4).rows).toHaveLength(4);
    expect(() => readLedgerRows(wb, SHEET, 3)).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_MANY_ROWS' }));
  });

  it('writes an error report: the uploaded sheet plus a 错误 column on the rejected rows', async () => {
    const file = await fill(await buildTemplate(SHEET), [
      ['好', '电弧', 1, '2024-01-01', 'A'],
      ['', '电弧', 1, '2024-01-01', 'B'],
    ]);
    const report = await buildErrorReport(file, SHEET, [
      { row: 4, column: '名称', field: 'name', code: 'isNotEmpty', message: '名称: 必填' },
    ]);
    const ws = (await loadWorkbook(report)).getWorksheet(SHEET.sheetName)!;
    expect(ws.getCell(1, 6).value).toBe('错误');
    expect(ws.getCell(3, 6).value).toBeNull();
    expect(ws.getCell(4, 6).value).toBe('名称: 必填');
    expect(ws.getCell(4, 5).value).toBe('B');
    // The report can be corrected and uploaded again: the 错误 column is not a data column.
    const again = readLedgerRows(await loadWorkbook(report), SHEET);
    expect(again.headerErrors).toEqual([]);
    expect(again.rows.map((r) => r.row)).toEqual([3, 4]);
  });

  it('exports views under Chinese headers', async () => {
    const buf = await buildExport(
      '物品',
      [
        { header: '名称', value: (t: { name: string; n: number | null }) => t.name },
        { header: '数量', value: (t) => t.n },
      ],
      [
        { name: '=1+1', n: 3 },
        { name: '乙', n: null },
        { name: '+cmd|/C calc', n: -1 },
        { name: '@SUM(A1)', n: 0 },
        { name: '-2+3', n: 1 },
        { name: '\t=1', n: 2 },
      ],
    );
    const ws = (await loadWorkbook(buf)).worksheets[0];
    expect(ws.name).toBe('物品');
    // Formula-like text from users is neutralised; numbers stay numbers.
    expect(
      ws
        .getSheetValues()
        .slice(1)
        .map((r) => (r as unknown[]).slice(1)),
    ).toEqual([
      ['名称', '数量'],
      ["'=1+1", 3],
      ['乙'],
      ["'+cmd|/C calc", -1],
      ["'@SUM(A1)", 0],
      ["'-2+3", 1],
      ["'\t=1", 2],
    ]);
  });

  it('the error report never hands uploaded formulas back as formulas, on any sheet; re-uploaded it reads the same', async () => {
    const file = await fill(await buildTemplate(SHEET), [
      [{ formula: 'HYPERLINK("http://evil.test","点击")', result: '点击' }, '电弧', 12, '2024-03-01', '=1+1'],
      ['一号', '电弧', { formula: '2*3', result: 6 }, '2024-03-01', { richText: [{ text: '@SUM(1)' }] }],
      ['', '电弧', 1, '2024-03-01', { text: '-cmd', hyperlink: 'file:///c:/windows' }],
    ]);
    const wb0 = await loadWorkbook(file);
    wb0.addWorksheet('其他').getCell(1, 1).value = { formula: 'WEBSERVICE("http://evil.test")', result: 'x' };
    const upload = Buffer.from(await wb0.xlsx.writeBuffer());
    const report = await buildErrorReport(upload, SHEET, [
      { row: FIRST_DATA_ROW + 2, column: '名称', field: 'name', code: 'isNotEmpty', message: '名称: 必填' },
    ]);
    const wb = await loadWorkbook(report);
    for (const ws of wb.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.type).not.toBe(ExcelJS.ValueType.Hyperlink);
          if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
        }),
      );
    }
    const ws = wb.getWorksheet(SHEET.sheetName)!;
    expect([ws.getCell(FIRST_DATA_ROW, 1).value, ws.getCell(FIRST_DATA_ROW, 5).value]).toEqual(['点击', "'=1+1"]);
    expect([ws.getCell(FIRST_DATA_ROW + 1, 3).value, ws.getCell(FIRST_DATA_ROW + 1, 5).value]).toEqual([6, "'@SUM(1)"]);
    expect(ws.getCell(FIRST_DATA_ROW + 2, 5).value).toBe("'-cmd");
    expect(wb.getWorksheet('其他')!.getCell(1, 1).value).toBe('x');
    // Uploaded again, the apostrophes are ours, not the user's: the serials read as they were typed.
    const again = readLedgerRows(wb, SHEET);
    expect(again.rows.map((r) => r.values.serial)).toEqual(['=1+1', '@SUM(1)', '-cmd']);
  });
});
