import { randomBytes } from 'node:crypto';
import { CROCKFORD_ALPHABET } from '@arcgate/protocol';

/** Crockford base32, as on the QR labels: no I, L, O, U. */
const ALPHABET = CROCKFORD_ALPHABET;
export const TRACKING_CODE_LENGTH = 10; // 50 random bits: not guessable at the rate limit
const SHAPE = new RegExp(`^[${ALPHABET}]{${TRACKING_CODE_LENGTH}}$`);

/** 32 divides 256, so taking 5 bits of each byte is unbiased. */
export function generateTrackingCode(): string {
  return [...randomBytes(TRACKING_CODE_LENGTH)].map((b) => ALPHABET[b & 31]).join('');
}

/**
 * What a reporter types back: any case, spaces or hyphens (it is shown as ABCDE-FGHJK), and the
 * letters Crockford maps to digits (O→0, I/L→1). null when it cannot be a tracking code.
 */
export function normaliseTrackingCode(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 40) return null;
  const s = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return SHAPE.test(s) ? s : null;
}

export function formatTrackingCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}
