/** Deepest JSON nesting the API accepts; no request DTO goes beyond a handful of levels. */
export const MAX_JSON_DEPTH = 32;

/** Thrown from body-parser's `verify` hook; `type` is how the exception filter recognises it. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  constructor(readonly maxDepth: number) {
    super(`JSON nesting deeper than ${maxDepth} levels`);
  }
}

/**
 * Nesting depth of a JSON text, measured on the raw bytes with a loop (no recursion), so it runs
 * before JSON.parse and class-transformer recurse over a hostile document. Brackets inside strings
 * do not count. Stops as soon as `limit` is exceeded.
 */
export function jsonDepthExceeds(buf: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** body-parser `verify` hook: refuses a too-deep body before it is parsed. */
export function verifyJsonDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonDepthExceeds(buf)) throw new JsonTooDeepError(MAX_JSON_DEPTH);
}
