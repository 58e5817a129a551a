import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

/** `:id` path parameters: a malformed id is a 400 with a field error, before any lookup. */
export function idParamPipe(): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => DomainError.invalid('id', 'isUuid', 'id must be a UUID') });
}
