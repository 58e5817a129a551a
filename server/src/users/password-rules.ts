import { checkPassword, PasswordProblem } from '../auth/password-policy';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';

/** Field codes for the policy's problems (camelCase, like class-validator's): the UI words each one. */
export const PASSWORD_PROBLEM_FIELD_CODE: Record<PasswordProblem, string> = {
  PASSWORD_TOO_SHORT: 'passwordTooShort',
  PASSWORD_TOO_LONG: 'passwordTooLong',
  PASSWORD_TOO_FEW_CLASSES: 'passwordTooFewClasses',
  PASSWORD_CONTAINS_USERNAME: 'passwordContainsUsername',
  PASSWORD_TOO_COMMON: 'passwordTooCommon',
};

/** The one password policy, as a 400 with one field error per problem on `field`. */
export function assertPasswordPolicy(password: string, username: string | null, field = 'password'): void {
  const problems = checkPassword(password, { username });
  if (!problems.length) return;
  throw new DomainError(
    ErrorCode.VALIDATION_FAILED,
    'The password does not meet the password policy',
    problems.map((p) => ({ field, code: PASSWORD_PROBLEM_FIELD_CODE[p], message: p })),
  );
}
