import { CellValue } from 'exceljs';

/** Flattens exceljs' cell shapes (rich text, formulas, hyperlinks) to a primitive or a Date. */
export function primitiveOf(value: CellValue): string | number | boolean | Date | null | { error: string } {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date)
    return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return primitiveOf((value as { result?: CellValue }).result ?? null);
  if ('hyperlink' in value) return primitiveOf((value as { text: CellValue }).text);
  if ('error' in value) return { error: String(value.error) };
  return null;
}
