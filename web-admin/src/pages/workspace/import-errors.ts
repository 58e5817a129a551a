import type { TFunction } from 'i18next';
import type { components } from '../../api/schema';
import { fieldErrorText } from '../../i18n/errors';

/** One row problem of a rejected import, as GET /api/ledgers/import-jobs/:id returns it. */
export type RowError = components['schemas']['ImportRowErrorDto'];

/** A row problem in the user's language: the code's text with its limits, never the server's wording. */
export function rowErrorText(t: TFunction, e: RowError): string {
  const text = fieldErrorText(t, e);
  return e.column ? t('error.withFields', { summary: e.column, fields: text }) : text;
}

/** Why a whole file was refused (HTTP error at upload, or a failed job). */
export function fileErrorText(
  t: TFunction,
  code: string,
  fieldCode?: string,
  details?: Record<string, unknown>,
): string {
  const base = t(`importError.${code}`, { defaultValue: t('importError.other'), maxRows: details?.maxRows ?? 2000 });
  const why = fieldCode ? t(`fieldError.${fieldCode}`, { defaultValue: '' }) : '';
  return why ? `${base}（${why}）` : base;
}
