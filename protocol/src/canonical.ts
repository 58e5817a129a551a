/**
 * Canonical JSON, the byte string that signatures cover. It is the JSON Canonicalization Scheme
 * (RFC 8785) for the values the protocol uses: object keys sorted by UTF-16 code units, no
 * whitespace, numbers in ECMAScript shortest round-trip form, strings escaped as JSON.stringify does.
 * Keys whose value is `undefined` are left out, so an absent optional field and an undefined one
 * sign the same. Nesting deeper than MAX_CANONICAL_DEPTH is refused (protocol messages are a few
 * levels deep), so hostile input fails with a TypeError instead of exhausting the stack.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', 0);
}

export const MAX_CANONICAL_DEPTH = 64;

/** UTF-8 bytes of canonicalJson(value). */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function write(value: unknown, path: string, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError(`canonicalJson: lone surrogate in string at ${path}`);
      return JSON.stringify(value);
    case 'object':
      if (depth >= MAX_CANONICAL_DEPTH)
        throw new TypeError(`canonicalJson: nesting deeper than ${MAX_CANONICAL_DEPTH} at ${path.slice(0, 200)}`);
      return Array.isArray(value) ? writeArray(value, path, depth + 1) : writeObject(value, path, depth + 1);
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value} at ${path}`);
  }
}

function writeArray(items: unknown[], path: string, depth: number): string {
  // Array.from visits holes of a sparse array (as undefined, refused): map would skip them and emit "[,]".
  return `[${Array.from(items, (item, i) => write(item, `${path}[${i}]`, depth)).join(',')}]`;
}

function writeObject(obj: object, path: string, depth: number): string {
  // Plain object of any realm (MQTT payloads may be parsed in another vm context): its prototype is a root.
  const proto = Object.getPrototypeOf(obj);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) {
    throw new TypeError(`canonicalJson: only plain objects are allowed at ${path}`);
  }
  const record = obj as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what RFC 8785 prescribes.
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${write(k, path, depth)}:${write(record[k], `${path}.${k}`, depth)}`).join(',')}}`;
}
