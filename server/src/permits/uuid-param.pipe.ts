import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

/** Path ids: a malformed one is a 400 with a field error, before any lookup. */
export function uuidParam(field = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => DomainError.invalid(field, 'isUuid', `${field} must be a UUID`) });
}
