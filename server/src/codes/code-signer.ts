import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CodeSubjectType } from './identity-code.entity';

/** Crockford base32: no I, L, O, U, so codes survive being read aloud or typed from a label. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Buffer): string {
  let bits = 0, value = 0, out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

const PREFIX: Record<CodeSubjectType, string> = { [CodeSubjectType.Machine]: 'M', [CodeSubjectType.Welder]: 'W' };
const RANDOM_BYTES = 8; // 64 bits: unguessable
const RANDOM_CHARS = 13;
const SIG_BYTES = 5; // 40-bit tag: a forged code is recognised without a database look-up
const SIG_CHARS = 8;
export const CODE_LENGTH = 1 + RANDOM_CHARS + SIG_CHARS;
const CODE_SHAPE = new RegExp(`^[MW][${ALPHABET}]{${RANDOM_CHARS + SIG_CHARS}}$`);

export type CodeCheck =
  | { ok: true; subjectType: CodeSubjectType }
  | { ok: false; reason: 'malformed' | 'forged' };

/**
 * Identity codes: type letter + 13 random characters + 8-character HMAC tag over the rest.
 * They carry no personal data; what a code stands for lives only in the database.
 */
export class CodeSigner {
  constructor(private readonly key: Buffer) {}

  generate(type: CodeSubjectType): string {
    const body = PREFIX[type] + base32(randomBytes(RANDOM_BYTES)).slice(0, RANDOM_CHARS);
    return body + this.tag(body);
  }

  check(code: string): CodeCheck {
    const normalised = typeof code === 'string' ? code.trim().toUpperCase() : '';
    if (!CODE_SHAPE.test(normalised)) return { ok: false, reason: 'malformed' };
    const body = normalised.slice(0, 1 + RANDOM_CHARS);
    const given = Buffer.from(normalised.slice(1 + RANDOM_CHARS));
    const expected = Buffer.from(this.tag(body));
    if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    return { ok: true, subjectType: normalised[0] === 'M' ? CodeSubjectType.Machine : CodeSubjectType.Welder };
  }

  private tag(body: string): string {
    return base32(createHmac('sha256', this.key).update(body).digest().subarray(0, SIG_BYTES));
  }
}
