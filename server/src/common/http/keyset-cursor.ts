import { registerDecorator, ValidationOptions } from 'class-validator';
import { unsafeTextCode } from './text-safety';

/**
 * Keyset paging (issue 19): instead of `?page=500`, which makes the database read and throw away the
 * 9,980 rows before the page, a list answers `nextCursor` (where its last row sits in the list's order)
 * and the next request passes it back as `?cursor=`; the query then starts right after that row.
 *
 * The cursor is opaque to clients (base64url of a small JSON object) but not secret: it only says
 * where to start, and the list applies the caller's scope and filters on every page, so an edited
 * cursor can move a reader within what they may see, never outside it. Each list names its key
 * fields (a unique sort key, e.g. time, then the row's primary key) and checks their shape, so a
 * malformed cursor is a 400 with a field code (`isCursor`) before any SQL runs.
 */
export const CURSOR_FIELD_CODE = 'isCursor';
const MAX_CURSOR_LENGTH = 400;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** One field of a cursor: its JSON key and the test of its (string) value. */
export type CursorShape<K extends string> = Record<K, (v: string) => boolean>;

export function encodeCursor<K extends string>(key: Record<K, string>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The cursor's key fields, or null when it is not a cursor of this shape (no exception on any input). */
export function decodeCursor<K extends string>(shape: CursorShape<K>, raw: unknown): Record<K, string> | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw))
    return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const fields = Object.keys(shape) as K[];
  const got = parsed as Record<string, unknown>;
  if (Object.keys(got).length !== fields.length) return null;
  const out = {} as Record<K, string>;
  for (const f of fields) {
    const v = got[f];
    if (typeof v !== 'string' || !shape[f](v)) return null;
    out[f] = v;
  }
  return out;
}

/** Validates a `cursor` query parameter against the list's key shape (field code `isCursor`). */
export function IsCursor<K extends string>(shape: CursorShape<K>, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: CURSOR_FIELD_CODE,
      target: object.constructor,
      propertyName,
      options: {
        message: '$property is not a position this list gave out (start again from the first page)',
        ...options,
      },
      validator: { validate: (v: unknown) => decodeCursor(shape, v) !== null },
    });
}

const UTC_MICROS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/**
 * An instant as PostgreSQL keeps it, to the microsecond, written by `cursorInstantSql`: a JavaScript
 * Date has milliseconds only, and a key rounded to the millisecond would skip or repeat rows.
 * Every part must exist (PostgreSQL fails on 2026-02-30, which would be a 500).
 */
export function isCursorInstant(v: string): boolean {
  const m = UTC_MICROS.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** SQL writing a timestamptz column as isCursorInstant reads it. */
export function cursorInstantSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A bigint key (sequence numbers): digits only, within PostgreSQL's bigint. */
export function isCursorBigint(v: string): boolean {
  return /^\d{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n;
}

/** A text key (ids) of at most `max` characters that PostgreSQL can take: no NUL, no lone surrogate. */
export function isCursorText(max: number): (v: string) => boolean {
  return (v) => v.length > 0 && v.length <= max && unsafeTextCode(v) === null;
}
