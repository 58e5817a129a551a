import * as ExcelJS from 'exceljs';
import {
  FIRST_DATA_ROW,
  GUIDE_SHEET_NAME,
  HEADER_ROW,
  HINT_ROW,
  hintText,
  LedgerColumn,
  LedgerSheet,
  MAX_IMPORT_ROWS,
  TemplateLang,
} from './ledger-sheet';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
const REQUIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
const HINT_FONT: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF7F7F7F' }, size: 9 };
const TYPE_LABELS: Record<LedgerColumn['type'], string> = {
  string: '文本 text',
  number: '数字 number',
  date: '日期 date (YYYY-MM-DD)',
  enum: '选项 list',
};

/** Excel limits an inline list validation to 255 characters; longer lists stay documented in 说明 only. */
const MAX_INLINE_LIST = 255;

export async function buildTemplate(sheet: LedgerSheet, lang: TemplateLang = 'zh-CN'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ArcGate';
  const ws = wb.addWorksheet(sheet.sheetName, { views: [{ state: 'frozen', ySplit: HINT_ROW }] });
  const lastDataRow = FIRST_DATA_ROW + MAX_IMPORT_ROWS - 1;

  sheet.columns.forEach((col, i) => {
    const n = i + 1;
    const column = ws.getColumn(n);
    column.width = col.width ?? Math.max(12, col.header.length * 2 + 4);
    // Text format stops Excel from turning ID numbers and serials into numbers (and losing digits).
    if (col.type === 'string' || col.type === 'enum') column.numFmt = '@';
    if (col.type === 'date') column.numFmt = 'yyyy-mm-dd';

    const header = ws.getCell(HEADER_ROW, n);
    header.value = col.header;
    header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    header.fill = col.required ? REQUIRED_FILL : HEADER_FILL;
    header.alignment = { horizontal: 'center', vertical: 'middle' };
    header.note = `${col.required ? '必填' : '选填'} · ${TYPE_LABELS[col.type]}${col.note ? `\n${col.note}` : ''}`;

    const hint = ws.getCell(HINT_ROW, n);
    hint.value = hintText(col, lang);
    hint.font = HINT_FONT;

    const list = `"${(col.options ?? []).map((o) => o.label).join(',')}"`;
    if (col.type === 'enum' && list.length <= MAX_INLINE_LIST) {
      const letter = column.letter;
      // exceljs' typings omit the sheet-level collection; it accepts range addresses.
      (
        ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }
      ).dataValidations.add(`${letter}${FIRST_DATA_ROW}:${letter}${lastDataRow}`, {
        type: 'list',
        allowBlank: !col.required,
        formulae: [list],
        showErrorMessage: true,
        errorTitle: col.header,
        error: `请从列表中选择: ${(col.options ?? []).map((o) => o.label).join('、')}`,
      });
    }
  });
  ws.getRow(HEADER_ROW).height = 22;

  addGuide(wb, sheet);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function addGuide(wb: ExcelJS.Workbook, sheet: LedgerSheet): void {
  const guide = wb.addWorksheet(GUIDE_SHEET_NAME);
  guide.columns = [
    { header: '列名', key: 'header', width: 18 },
    { header: '字段 field', key: 'field', width: 22 },
    { header: '必填', key: 'required', width: 8 },
    { header: '类型', key: 'type', width: 22 },
    { header: '允许值', key: 'options', width: 40 },
    { header: '示例', key: 'example', width: 24 },
    { header: '说明', key: 'note', width: 40 },
  ];
  guide.getRow(1).font = { bold: true };
  for (const col of sheet.columns) {
    guide.addRow({
      header: col.header,
      field: col.hint,
      required: col.required ? '是' : '否',
      type: TYPE_LABELS[col.type],
      options: (col.options ?? []).map((o) => `${o.label} (${o.value})`).join('、'),
      example: col.example ?? '',
      note: col.note ?? '',
    });
  }
  guide.addRow({});
  guide.addRow({
    header: `${sheet.title}: 在「${sheet.sheetName}」表第 ${FIRST_DATA_ROW} 行起逐行填写，每个文件最多 ${MAX_IMPORT_ROWS} 行。`,
  });
  guide.addRow({ header: '第 2 行为填写提示，可保留；任一行有错误时整个文件都不会导入，请按错误报告修改后重新上传。' });
}
