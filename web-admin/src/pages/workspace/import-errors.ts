import type { TFunction } from 'i18next';
import type { components } from '../../api/schema';

/** One row problem of a rejected import, as GET /api/ledgers/import-jobs/:id returns it. */
export type RowError = components['schemas']['ImportRowErrorDto'];

/** A row problem in the user's language: the code's text, never the server's English wording. */
export function rowErrorText(t: TFunction, e: RowError): string {
  const text = t(`importCode.${e.code}`, { defaultValue: t('importCode.other') });
  return e.column ? `${e.column}：${text}` : text;
}

/** Why a whole file was refused (HTTP error at upload, or a failed job). */
export function fileErrorText(
  t: TFunction,
  code: string,
  fieldCode?: string,
  details?: Record<string, unknown>,
): string {
  const base = t(`importError.${code}`, { defaultValue: t('importError.other'), maxRows: details?.maxRows ?? 2000 });
  const why = fieldCode ? t(`importCode.${fieldCode}`, { defaultValue: '' }) : '';
  return why ? `${base}（${why}）` : base;
}
