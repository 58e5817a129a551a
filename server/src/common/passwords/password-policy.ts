import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

/**
 * The password policy (等保 2.0 third level: length, character classes, not the user name, not a
 * common password). One function, used wherever a password is set: account creation, reset, activation,
 * the user's own change. Problems are codes; the UI renders them.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

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

/**
 * Known-breached common passwords: the ~49,000 most common passwords of public breaches, as kept by the
 * maintained zxcvbn-ts project (@zxcvbn-ts/language-common), plus patterns common in Chinese breaches
 * that the English-centred list lacks (pinyin phrases, keyboard walks with 123456 tails).
 */
const BREACHED: ReadonlySet<string> = new Set([
  ...dictionary['passwords-common'],
  ...['admin@123456', 'abc@1234567', 'a123456789!', 'woaini1314', 'woaini520', '5201314', 'iloveyou1314'],
  ...['qwe@123456', 'qaz@123456', '1qaz2wsx', '1qaz@wsx', 'zxcvbnm123', 'aa123456', 'root@123456', 'huawei@123'],
]);
/** A dictionary word shorter than this followed by digits/symbols is not judged by its stem. */
const MIN_STEM = 5;
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
  '!': 'i',
};

/**
 * Variants a cracker tries first: the password itself, with its digits/symbols tail cut off
 * ("Summer2026!" → summer) and with leetspeak undone ("P@ssw0rd" → password).
 */
function guessableForms(password: string): string[] {
  const lower = password.toLowerCase();
  const stem = lower.replace(/[^a-z]+$/, '');
  const forms = [lower, lower.replace(/[^a-z0-9]+$/, '')];
  if (stem.length >= MIN_STEM) forms.push(stem);
  const unleet = lower.replace(/[@4013$57!]/g, (c) => LEET[c]);
  forms.push(unleet);
  const unleetStem = lower.replace(/[^a-z@$]+$/, '').replace(/[@4013$57!]/g, (c) => LEET[c]);
  if (unleetStem.length >= MIN_STEM) forms.push(unleetStem);
  return forms;
}

/** Whether the password is a known-breached common one, or one lightly dressed up. */
export function isCommonPassword(password: string): boolean {
  return guessableForms(password).some((f) => BREACHED.has(f));
}

export function checkPassword(password: string, context: { username?: string | null } = {}): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('PASSWORD_TOO_SHORT');
  if (password.length > PASSWORD_MAX_LENGTH) problems.push('PASSWORD_TOO_LONG');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < PASSWORD_MIN_CLASSES) problems.push('PASSWORD_TOO_FEW_CLASSES');
  const user = context.username?.trim().toLowerCase();
  if (user && user.length >= 3 && password.toLowerCase().includes(user)) problems.push('PASSWORD_CONTAINS_USERNAME');
  if (isCommonPassword(password)) problems.push('PASSWORD_TOO_COMMON');
  return problems;
}

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
