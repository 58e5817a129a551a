import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors } from '../../common/errors/validation-error.factory';
import { columnForField, LedgerSheet, ParsedRow, RowError } from './ledger-sheet';

export interface ValidRow<T> {
  row: number;
  dto: T;
}

export interface RowValidationResult<T> {
  valid: ValidRow<T>[];
  errors: RowError[];
}

/** The same rules the JSON API applies: unknown properties are errors, not silently dropped. */
const VALIDATE_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: true, value: false },
} as const;

function topKey(field: string | null): string | null {
  return field ? field.split('.')[0] : null;
}

function valueAt(values: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((node, p) => (node as Record<string, unknown> | undefined)?.[p], values);
}

/** Marks the second and later rows that repeat a key combination declared unique within a file. */
export function findDuplicatesInFile(sheet: LedgerSheet, rows: ParsedRow[]): RowError[] {
  const errors: RowError[] = [];
  for (const keys of sheet.uniqueWithinFile ?? []) {
    const firstSeen = new Map<string, number>();
    const last = keys[keys.length - 1];
    const column = columnForField(sheet, last);
    for (const r of rows) {
      const parts = keys.map((k) => valueAt(r.values, k));
      if (parts.some((p) => p === undefined || p === null || p === '')) continue;
      const composite = JSON.stringify(parts);
      const first = firstSeen.get(composite);
      if (first === undefined) {
        firstSeen.set(composite, r.row);
      } else {
        const what = keys.map((k) => columnForField(sheet, k)?.header ?? k).join(' + ');
        errors.push({
          row: r.row,
          column: column?.header ?? null,
          field: last,
          code: 'duplicateInFile',
          message: `${what} 与第 ${first} 行重复`,
        });
      }
    }
  }
  return errors;
}

/**
 * Converts each parsed row into the target DTO and validates it like a request body would be.
 * `fixed` adds values every row shares (e.g. the target enterprise). Cell-level problems found
 * while reading win over DTO errors on the same field, so each problem is reported once.
 */
export async function validateRows<T extends object>(
  sheet: LedgerSheet,
  rows: ParsedRow[],
  dtoClass: ClassConstructor<T>,
  fixed: Record<string, unknown> = {},
): Promise<RowValidationResult<T>> {
  const valid: ValidRow<T>[] = [];
  const errors: RowError[] = [];
  const duplicates = findDuplicatesInFile(sheet, rows);
  for (const r of rows) {
    const dto = plainToInstance(dtoClass, { ...r.values, ...fixed });
    const cellErrors = [...r.errors, ...duplicates.filter((d) => d.row === r.row)];
    const reported = new Set(cellErrors.map((e) => topKey(e.field)));
    const dtoErrors: RowError[] = flattenValidationErrors(await validate(dto, VALIDATE_OPTIONS))
      .filter((f) => !reported.has(topKey(f.field)))
      .map((f) => {
        const column = columnForField(sheet, f.field);
        return {
          row: r.row,
          column: column?.header ?? null,
          field: f.field,
          code: f.code,
          message: column ? `${column.header}: ${f.message}` : f.message,
          ...(f.params && { params: f.params }),
        };
      });
    const rowErrors = [...cellErrors, ...dtoErrors];
    if (rowErrors.length) errors.push(...rowErrors);
    else valid.push({ row: r.row, dto });
  }
  return { valid, errors: errors.sort((a, b) => a.row - b.row) };
}
