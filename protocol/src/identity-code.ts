import { WELDER_CODE_PATTERN } from './validate';

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
