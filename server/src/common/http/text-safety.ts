/** Field-level codes for text PostgreSQL cannot store (it refuses U+0000 and unpaired UTF-16 surrogates). */
export const NUL_CHARACTER = 'nulCharacter';
export const LONE_SURROGATE = 'loneSurrogate';

export interface UnsafeText {
  field: string;
  code: typeof NUL_CHARACTER | typeof LONE_SURROGATE;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unsafeTextCode(s: string): UnsafeText['code'] | null {
  if (s.includes('\u0000')) return NUL_CHARACTER;
  if (LONE_SURROGATE_RE.test(s)) return LONE_SURROGATE;
  return null;
}

function join(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix ? `${prefix}.${key}` : key;
}

/**
 * Every string (values and keys) in a request value that PostgreSQL would refuse, with its field
 * path. Iterative, and bounded by `maxNodes` so that a huge array costs a bounded scan; the JSON
 * depth is already capped by the body parser.
 */
export function findUnsafeText(value: unknown, root: string, maxFindings = 20, maxNodes = 100_000): UnsafeText[] {
  const out: UnsafeText[] = [];
  const stack: Array<[unknown, string]> = [[value, root]];
  let nodes = 0;
  while (stack.length && out.length < maxFindings && nodes++ < maxNodes) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const code = unsafeTextCode(v);
      if (code) out.push({ field: path || root, code });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, i)]);
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const k of Object.keys(v)) {
        const p = join(path, k);
        const keyCode = unsafeTextCode(k);
        if (keyCode) out.push({ field: p, code: keyCode });
        stack.push([(v as Record<string, unknown>)[k], p]);
      }
    }
  }
  return out;
}
