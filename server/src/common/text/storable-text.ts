/** NUL, and UTF-16 halves that are not part of a pair: PostgreSQL text and jsonb refuse both. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string with each NUL or lone surrogate written out as its escape text (`\u0000`, `\ud800`):
 * evidence of a hostile message must be storable, and must still show what was sent.
 */
export function escapeUnstorable(s: string): string {
  return s.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Deep copy of a JSON-like value with every string and key made storable (escapeUnstorable). */
export function storableJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return escapeUnstorable(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (depth > 32) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => storableJson(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[escapeUnstorable(k)] = storableJson(v, depth + 1);
  return out;
}
