import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

/**
 * A UUID of any version in the 8-4-4-4-12 hex form, either case: what a uuid column returns and what
 * ParseUUIDPipe accepts. Checked before a query, so a malformed id matches nothing instead of failing it.
 * (class-validator's @IsUUID() on DTOs is stricter: RFC variant, versions 1–8, nil and max.)
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** Path ids: a malformed one is a 400 with a field error, before any lookup. */
export function uuidParam(field = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => DomainError.invalid(field, 'isUuid', `${field} must be a UUID`) });
}
