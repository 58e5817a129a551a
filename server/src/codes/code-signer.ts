import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crockfordBase32, IDENTITY_CODE_LENGTH, IDENTITY_CODE_PATTERN } from '@arcgate/protocol';
import { CodeSubjectType } from './identity-code.entity';

// Crockford base32 (no I, L, O, U), so codes survive being read aloud or typed from a label; the
// alphabet and the code's shape (IDENTITY_CODE_PATTERN) are the protocol's.

const PREFIX: Record<CodeSubjectType, string> = { [CodeSubjectType.Machine]: 'M', [CodeSubjectType.Welder]: 'W' };
const RANDOM_BYTES = 8; // 64 bits: unguessable
const RANDOM_CHARS = 13; // the other IDENTITY_CODE_BODY_CHARS - 13 = 8 characters are the tag
const SIG_BYTES = 5; // 40-bit tag: a forged code is recognised without a database look-up
export const CODE_LENGTH = IDENTITY_CODE_LENGTH;

export type CodeCheck = { ok: true; subjectType: CodeSubjectType } | { ok: false; reason: 'malformed' | 'forged' };

/**
 * Identity codes: type letter + 13 random characters + 8-character HMAC tag over the rest.
 * They carry no personal data; what a code stands for lives only in the database.
 */
export class CodeSigner {
  constructor(private readonly key: Buffer) {}

  generate(type: CodeSubjectType): string {
    const body = PREFIX[type] + crockfordBase32(randomBytes(RANDOM_BYTES)).slice(0, RANDOM_CHARS);
    return body + this.tag(body);
  }

  check(code: string): CodeCheck {
    const normalised = typeof code === 'string' ? code.trim().toUpperCase() : '';
    if (!IDENTITY_CODE_PATTERN.test(normalised)) return { ok: false, reason: 'malformed' };
    const body = normalised.slice(0, 1 + RANDOM_CHARS);
    const given = Buffer.from(normalised.slice(1 + RANDOM_CHARS));
    const expected = Buffer.from(this.tag(body));
    if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    return { ok: true, subjectType: normalised[0] === 'M' ? CodeSubjectType.Machine : CodeSubjectType.Welder };
  }

  private tag(body: string): string {
    return crockfordBase32(createHmac('sha256', this.key).update(body).digest().subarray(0, SIG_BYTES));
  }
}
