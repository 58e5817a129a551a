import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Trims strings so that "  " counts as empty; other types pass through for the type validators to reject. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and upper-cases (USCC): codes are printed in capitals but often typed in lower case. */
export const TrimUpper = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));

/**
 * For PATCH bodies: the field may be left out, but an explicit null is validated (and rejected by the
 * type validators) instead of reaching a NOT NULL column. @IsOptional would let null through.
 */
export const OmittableNotNull = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

/** Escapes LIKE wildcards so that a search text matches literally. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Query-string booleans: only "true" and "false" are accepted; anything else reaches IsBoolean and fails. */
export const QueryBoolean = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

/** Query strings: trims, and an empty value (`?q=`) counts as not given. */
export const TrimOrAbsent = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.trim() || undefined : value));
