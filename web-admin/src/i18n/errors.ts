// Server errors in the user's language. The server answers with stable codes (ErrorCode, field codes) and
// parameters; its English `message` is for logs and API users and is never shown here.
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** A field-level problem as the server sends it (error.fields[] and import row errors). */
export interface CodedFieldError {
  field: string | null;
  code: string;
  params?: Record<string, string | number>;
}

type Details = Record<string, unknown> | undefined;

/** An error whose message a page has already worded in the user's language (shown as it is). */
export class ShownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShownError';
  }
}

/** The last named segment of a field path: "site.point.lat" → lat, "welderIds[1]" → welderIds. */
export function fieldBaseName(field: string | null): string | null {
  if (!field) return null;
  const parts = field
    .split('.')
    .map((p) => p.replace(/\[\d+\]$/, ''))
    .filter((p) => p && !/^\d+$/.test(p));
  return parts.length ? parts[parts.length - 1] : null;
}

/** The field's label in the user's language, or null when the field has none (then no label is shown). */
export function fieldLabel(t: TFunction, field: string | null): string | null {
  const base = fieldBaseName(field);
  return base ? t(`field.${base}`, { defaultValue: '' }) || null : null;
}

/** What is wrong with one field, without its label (a form shows that under the field itself). */
export function fieldErrorText(t: TFunction, f: CodedFieldError): string {
  const base = fieldBaseName(f.field);
  const params = { constraint1: '', constraint2: '', ...f.params };
  const specific = base ? t(`fieldErrorFor.${base}.${f.code}`, { ...params, defaultValue: '' }) : '';
  return specific || t(`fieldError.${f.code}`, { ...params, defaultValue: t('fieldError.other') });
}

/** The field's label and what is wrong with it, for toasts and lists ("额定电流 (A)：不能大于 2000"). */
export function labelledFieldErrorText(t: TFunction, f: CodedFieldError): string {
  const label = fieldLabel(t, f.field);
  const text = fieldErrorText(t, f);
  return label ? t('error.withFields', { summary: label, fields: text }) : text;
}

/** Parameters the sentences of some codes use, taken from the error's details. */
function codeParams(t: TFunction, details: Details, status: number): Record<string, unknown> {
  const level = typeof details?.level === 'string' ? details.level : null;
  return {
    status,
    maxRows: details?.maxRows ?? '',
    maxHours: details?.maxHours ?? '',
    levelName: level ? t(`permitLevel.${level}`, { defaultValue: '' }) : '',
  };
}

/** The error's own sentence, without its field details. */
export function errorSummary(t: TFunction, err: unknown): string {
  if (err instanceof ShownError) return err.message;
  if (err instanceof ApiError) {
    if (err.code === 'NETWORK_ERROR') return t('error.NETWORK_ERROR');
    if (err.code.startsWith('HTTP_')) {
      if (err.status === 401) return t('error.UNAUTHENTICATED');
      return t(err.status >= 500 ? 'error.httpServer' : 'error.httpClient', { status: err.status });
    }
    const params = codeParams(t, err.details as Details, err.status);
    // PERMIT_WINDOW_TOO_LONG names its level and hours only when the server gave them.
    if (err.code === 'PERMIT_WINDOW_TOO_LONG' && !params.maxHours) return t('fieldError.windowTooLong');
    return t(`error.${err.code}`, { ...params, defaultValue: t('error.unknown') });
  }
  // fetch() outside the API client rejects with TypeError("Failed to fetch") (Chrome) or "Load failed" (Safari).
  if (err instanceof TypeError && /fetch|network|load failed/i.test(err.message)) return t('error.NETWORK_ERROR');
  return t('error.unknown');
}

/**
 * The whole error as one sentence for a toast or a result page. A validation error is its fields, each with
 * its label ("额定电流 (A)：不能大于 2000"); another code's text gets its fields in brackets.
 */
export function errorText(t: TFunction, err: unknown): string {
  const summary = errorSummary(t, err);
  if (!(err instanceof ApiError) || !err.fields.length) return summary;
  const details = [...new Set(err.fields.map((f) => labelledFieldErrorText(t, f)))].join(t('error.listSeparator'));
  return err.code === 'VALIDATION_FAILED' ? details : t('error.withDetails', { summary, details });
}

/** Server field errors onto antd Form fields, in the user's language. */
export function formFieldErrors(t: TFunction, err: unknown): { name: (string | number)[]; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  return toNamedFields(err, (f) => fieldErrorText(t, f));
}

function toNamedFields(
  err: ApiError,
  text: (f: CodedFieldError) => string,
): { name: (string | number)[]; errors: string[] }[] {
  const byField = new Map<string, string[]>();
  for (const f of err.fields) {
    const list = byField.get(f.field) ?? [];
    const line = text(f);
    if (!list.includes(line)) list.push(line);
    byField.set(f.field, list);
  }
  return [...byField.entries()].map(([field, errors]) => ({
    name: field
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    errors,
  }));
}
