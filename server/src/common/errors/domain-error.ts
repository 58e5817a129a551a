import { ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  code: string;
  message: string;
  /** What the client needs to word the rule itself, e.g. { constraint1: 2000 } for "must not be greater than". */
  params?: Record<string, string | number>;
}

/** An expected failure of a business rule; mapped to HTTP by the global filter. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static invalid(field: string, code: string, message: string): DomainError {
    return new DomainError(ErrorCode.VALIDATION_FAILED, message, [{ field, code, message }]);
  }
}
