import { CROCKFORD_ALPHABET } from './identifiers';

/**
 * The one identity-code shape (the QR labels): a type letter, M (machine) or W (welder), then 21
 * Crockford base32 characters. The server's signer decides which of them are genuine.
 */
export const IDENTITY_CODE_BODY_CHARS = 21;
export const IDENTITY_CODE_LENGTH = 1 + IDENTITY_CODE_BODY_CHARS;
export const IDENTITY_CODE_PATTERN = new RegExp(`^[MW][${CROCKFORD_ALPHABET}]{${IDENTITY_CODE_BODY_CHARS}}$`);
/** A welder's identity code as printed in its QR code: the only kind that is a device credential. */
export const WELDER_CODE_PATTERN = new RegExp(`^W[${CROCKFORD_ALPHABET}]{${IDENTITY_CODE_BODY_CHARS}}$`);

/**
 * The welder code inside what the device's scanner read: either the bare code or the code URL
 * `<PUBLIC_BASE_URL>/q/<code>`. Case and surrounding blanks are forgiven; null if neither shape.
 * Only welder codes (W…) are credentials; a machine code (M…) returns null.
 */
export function extractWelderCode(scanned: string): string | null {
  if (typeof scanned !== 'string') return null;
  const text = scanned.trim();
  const match = /\/q\/([^/?#]+)\/?(?:[?#].*)?$/.exec(text);
  let candidate: string;
  try {
    candidate = (match ? decodeURIComponent(match[1]) : text).toUpperCase();
  } catch {
    return null; // broken %-escape
  }
  return WELDER_CODE_PATTERN.test(candidate) ? candidate : null;
}
