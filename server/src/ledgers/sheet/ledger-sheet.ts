/** Declarative description of one ledger (台账) sheet: drives the template, the parser and the validator. */

export type LedgerColumnType = 'string' | 'number' | 'date' | 'enum';

export interface EnumOption {
  /** The API value (English), e.g. "electric_arc". */
  value: string;
  /** What people see and type in the sheet, e.g. "电弧焊机". */
  label: string;
}

export interface LedgerColumn {
  /** DTO property; a dotted key ("certificate.issuedOn") builds a nested object. */
  key: string;
  /** Chinese header; uploaded sheets are matched on this text. */
  header: string;
  /** The API field name: the English template's hint row and the 说明 sheet's field column show it. */
  hint: string;
  type: LedgerColumnType;
  required: boolean;
  width?: number;
  /** Only for type "enum". */
  options?: EnumOption[];
  /** Example value as typed in the sheet (labels for enums). */
  example?: string | number;
  /** Extra explanation for the 说明 sheet. */
  note?: string;
}

export interface LedgerSheet {
  /** Name of the data worksheet, e.g. "焊机台账". */
  sheetName: string;
  /** Shown in the 说明 sheet. */
  title: string;
  columns: LedgerColumn[];
  /**
   * Keys whose combined values must be unique inside one file (e.g. manufacturer + serial);
   * the database constraint catches clashes with existing records.
   */
  uniqueWithinFile?: string[][];
}

/** One problem with one uploaded row. `row` is the Excel row number, as the user sees it. */
export interface RowError {
  row: number;
  column: string | null;
  field: string | null;
  code: string;
  message: string;
  /** The rule's limits, e.g. { constraint1: 2000 } (see common/errors/constraint-params.ts). */
  params?: Record<string, string | number>;
}

/** A data row read from the sheet, before DTO validation. */
export interface ParsedRow {
  row: number;
  values: Record<string, unknown>;
  /** Cell-level problems found while reading (bad date, unknown enum label, missing value). */
  errors: RowError[];
}

export const HEADER_ROW = 1;
export const HINT_ROW = 2;
export const FIRST_DATA_ROW = 3;
/** The column error reports add; ignored when a corrected report is uploaded again. */
export const ERROR_COLUMN_HEADER = '错误';
export const GUIDE_SHEET_NAME = '说明';
/** Upper bound on data rows per upload: keeps one import inside one reasonable transaction. */
export const MAX_IMPORT_ROWS = 2000;

/** Languages a template can be written in (its hint row and the 说明 sheet's notes about it). */
export type TemplateLang = 'zh-CN' | 'en';
export const TEMPLATE_LANGS: readonly TemplateLang[] = ['zh-CN', 'en'];

const ZH_TYPE_HINT: Record<LedgerColumnType, string> = {
  string: '文本',
  number: '数字',
  date: '日期，如 2024-03-01',
  enum: '从列表中选择',
};

/**
 * The hint written under each header, in the template's language; the parser recognises and skips
 * this row in every language, so templates downloaded before (English hints) still import.
 */
export function hintText(column: LedgerColumn, lang: TemplateLang = 'zh-CN'): string {
  if (lang === 'en') return `${column.hint} (${column.required ? 'required' : 'optional'})`;
  return `${column.required ? '必填' : '选填'}（${ZH_TYPE_HINT[column.type]}）`;
}

/** "en", "en-US,en;q=0.9" or a lang query parameter: English; anything else Chinese (the default). */
export function templateLang(requested: string | undefined): TemplateLang {
  return /^\s*en\b/i.test(requested ?? '') ? 'en' : 'zh-CN';
}

export function columnForField(sheet: LedgerSheet, field: string | null): LedgerColumn | undefined {
  if (!field) return undefined;
  return sheet.columns.find((c) => c.key === field) ?? sheet.columns.find((c) => field.startsWith(`${c.key}.`));
}

export function enumLabel(column: LedgerColumn, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return column.options?.find((o) => o.value === value)?.label ?? String(value);
}
