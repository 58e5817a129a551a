import { ValidationError } from 'class-validator';
import { constraintParams } from './constraint-params';
import { DomainError, FieldError } from './domain-error';
import { ErrorCode } from './error-codes';

/**
 * Flattens nested class-validator errors into field paths with constraint names as codes, and the rule's
 * limits as params when the validator kept the target (validationError.target).
 */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [code, message] of Object.entries(e.constraints ?? {})) {
      const params = constraintParams(e.target, e.property, code);
      out.push({
        field,
        code: code === 'whitelistValidation' ? 'unknownField' : code,
        message,
        ...(params && { params }),
      });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationExceptionFactory(errors: ValidationError[]): DomainError {
  const fields = flattenValidationErrors(errors);
  return new DomainError(ErrorCode.VALIDATION_FAILED, 'Request validation failed', fields);
}
