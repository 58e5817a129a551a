/**
 * The password policy (等保 2.0 third level: length, character classes, not the user name, not a
 * common password). One function, used wherever a password is set: account creation, reset, activation,
 * the user's own change. Problems are codes; the UI renders them.
 */
export type PasswordProblem =
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'PASSWORD_TOO_FEW_CLASSES'
  | 'PASSWORD_CONTAINS_USERNAME'
  | 'PASSWORD_TOO_COMMON';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
/** Of lower case, upper case, digits and symbols. */
export const PASSWORD_MIN_CLASSES = 3;

// Seed list; the credentials work replaces it with a maintained breached-password list.
const COMMON = new Set(['password123!', 'p@ssw0rd123', 'qwerty123456', 'admin@123456', 'abc@1234567', 'a123456789!']);

export function checkPassword(password: string, context: { username?: string | null } = {}): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('PASSWORD_TOO_SHORT');
  if (password.length > PASSWORD_MAX_LENGTH) problems.push('PASSWORD_TOO_LONG');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < PASSWORD_MIN_CLASSES) problems.push('PASSWORD_TOO_FEW_CLASSES');
  const user = context.username?.trim().toLowerCase();
  if (user && user.length >= 3 && password.toLowerCase().includes(user)) problems.push('PASSWORD_CONTAINS_USERNAME');
  if (COMMON.has(password.toLowerCase())) problems.push('PASSWORD_TOO_COMMON');
  return problems;
}
