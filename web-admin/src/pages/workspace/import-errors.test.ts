import { describe, expect, it } from 'vitest';
import i18n, { setLang } from '../../i18n';
import { fileErrorText, rowErrorText } from './import-errors';

/** Every row and file code the server's importer can return (cell reader, DTO validators, services, zip limits). */
const ROW_CODES = [
  'isNotEmpty',
  'isEnum',
  'isString',
  'isNumber',
  'isInt',
  'isPositive',
  'min',
  'max',
  'maxLength',
  'minLength',
  'isDate',
  'cellError',
  'invalidCharacters',
  'isIdNumber',
  'isMobile',
  'isUUID',
  'unknownField',
  'duplicate',
  'duplicateInFile',
  'notApplicableToGas',
  'requiredForElectric',
  'unknownColumn',
  'duplicateColumn',
  'missingColumn',
  'sheetNotFound',
];
const FILE_CODES = [
  'IMPORT_TOO_MANY_ROWS',
  'IMPORT_FILE_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'FILE_UNREADABLE',
  'UNSUPPORTED_FILE',
  'IMPORT_EMPTY',
  'IMPORT_BUSY',
  'IMPORT_INTERRUPTED',
];
const CJK = /[\u4e00-\u9fff]/;

describe('import error texts', () => {
  it("render every row code in Chinese, never the server's English message", async () => {
    await setLang('zh-CN');
    for (const code of ROW_CODES) {
      const text = rowErrorText(i18n.t, {
        row: 3,
        column: '设备类型',
        field: 'kind',
        code,
        message: 'kind must be one of the following values',
      });
      expect({ code, cjk: CJK.test(text.replace('设备类型', '')), english: text.includes('must be') }).toEqual({
        code,
        cjk: true,
        english: false,
      });
    }
  });

  it('word a limit with its value from the server', async () => {
    await setLang('zh-CN');
    const row = {
      row: 4,
      column: '额定电流(A)',
      field: 'ratedCurrentA',
      code: 'max',
      message: 'x',
      params: { constraint1: 2000 },
    };
    expect(rowErrorText(i18n.t, row)).toBe('额定电流(A)：不能大于 2000');
  });

  it('render file refusals with their reason, in both languages', async () => {
    await setLang('zh-CN');
    for (const code of FILE_CODES)
      expect({ code, cjk: CJK.test(fileErrorText(i18n.t, code)) }).toEqual({ code, cjk: true });
    expect(fileErrorText(i18n.t, 'IMPORT_FILE_TOO_LARGE', 'zipBomb')).toBe(
      '工作簿过大或结构异常，已拒绝（压缩比异常，疑似压缩炸弹）',
    );
    expect(fileErrorText(i18n.t, 'IMPORT_TOO_MANY_ROWS', 'tooManyRows', { maxRows: 2000 })).toContain('2000');
    await setLang('en');
    expect(rowErrorText(i18n.t, { row: 3, column: null, field: 'kind', code: 'isEnum', message: '' })).toBe(
      'is not one of the choices',
    );
    expect(
      rowErrorText(i18n.t, {
        row: 4,
        column: 'Rated current (A)',
        field: 'ratedCurrentA',
        code: 'max',
        message: 'ratedCurrentA must not be greater than 2000',
        params: { constraint1: 2000 },
      }),
    ).toBe('Rated current (A): must not be greater than 2000');
    expect(fileErrorText(i18n.t, 'SOMETHING_NEW')).toBe('Import failed; nothing was written');
    await setLang('zh-CN');
  });
});
