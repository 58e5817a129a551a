/**
 * A small strict validator kit: every check appends problems with a JSON path, so one pass reports
 * every bad field (the server logs them all; the device gets MALFORMED).
 */

export type ProblemCode =
  | 'required'
  | 'type'
  | 'unknownField'
  | 'format'
  | 'range'
  | 'enum'
  | 'length'
  | 'consistency'
  | 'tooLarge'
  | 'json'
  | 'version';

export interface Problem {
  path: string;
  code: ProblemCode;
  message: string;
}

export type Check = (value: unknown, path: string, out: Problem[]) => void;
interface Optional {
  optional: true;
  check: Check;
}
export type Shape = Record<string, Check | Optional>;

export const problem = (path: string, code: ProblemCode, message: string): Problem => ({ path, code, message });

export const opt = (check: Check): Optional => ({ optional: true, check });

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * NUL and UTF-16 code units that are not part of a surrogate pair. JSON can carry both (`\u0000`,
 * `\ud800`), but no database text column, no UTF-8 encoder and no display can: refused in every string.
 */
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no NUL and no lone surrogate. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE_TEXT.test(s);
}

export function str(opts: { min?: number; max?: number; pattern?: RegExp; format?: string } = {}): Check {
  return (v, path, out) => {
    if (typeof v !== 'string') return void out.push(problem(path, 'type', 'must be a string'));
    if (!isStorableText(v)) return void out.push(problem(path, 'format', 'must not contain NUL or a lone surrogate'));
    if (opts.min !== undefined && v.length < opts.min)
      return void out.push(problem(path, 'length', `must have at least ${opts.min} characters`));
    if (opts.max !== undefined && v.length > opts.max)
      return void out.push(problem(path, 'length', `must have at most ${opts.max} characters`));
    if (opts.pattern && !opts.pattern.test(v))
      out.push(problem(path, 'format', `must be ${opts.format ?? `like ${opts.pattern}`}`));
  };
}

export function num(opts: { min?: number; max?: number; integer?: boolean } = {}): Check {
  return (v, path, out) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      return void out.push(problem(path, 'type', 'must be a finite number'));
    if (opts.integer && !Number.isSafeInteger(v)) return void out.push(problem(path, 'type', 'must be an integer'));
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      out.push(problem(path, 'range', `must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`));
    }
  };
}

export const int = (opts: { min?: number; max?: number } = {}): Check => num({ ...opts, integer: true });

export const bool = (): Check => (v, path, out) => {
  if (typeof v !== 'boolean') out.push(problem(path, 'type', 'must be true or false'));
};

export function literal(expected: string | number | boolean, code: ProblemCode = 'enum'): Check {
  return (v, path, out) => {
    if (v !== expected) out.push(problem(path, code, `must be ${JSON.stringify(expected)}`));
  };
}

export function oneOf(values: readonly string[]): Check {
  return (v, path, out) => {
    if (typeof v !== 'string' || !values.includes(v))
      out.push(problem(path, 'enum', `must be one of ${values.join(', ')}`));
  };
}

export const nullable =
  (check: Check): Check =>
  (v, path, out) => {
    if (v !== null) check(v, path, out);
  };

export function arr(item: Check, opts: { min?: number; max?: number } = {}): Check {
  return (v, path, out) => {
    if (!Array.isArray(v)) return void out.push(problem(path, 'type', 'must be an array'));
    if (opts.min !== undefined && v.length < opts.min)
      return void out.push(problem(path, 'length', `must have at least ${opts.min} items`));
    if (opts.max !== undefined && v.length > opts.max)
      return void out.push(problem(path, 'length', `must have at most ${opts.max} items`));
    v.forEach((x, i) => item(x, `${path}[${i}]`, out));
  };
}

/** Strict object: missing required keys and unknown keys are problems. */
export function obj(shape: Shape, refine?: (v: Record<string, unknown>, path: string, out: Problem[]) => void): Check {
  return (v, path, out) => {
    if (!isPlainObject(v)) return void out.push(problem(path, 'type', 'must be an object'));
    const before = out.length;
    for (const [key, spec] of Object.entries(shape)) {
      const optional = typeof spec !== 'function';
      const check = typeof spec === 'function' ? spec : spec.check;
      if (v[key] === undefined) {
        if (!optional) out.push(problem(`${path}.${key}`, 'required', 'is required'));
      } else check(v[key], `${path}.${key}`, out);
    }
    for (const key of Object.keys(v)) {
      // Own keys only: `in` would let keys named like Object.prototype members (constructor, __proto__, toString…) through.
      if (!Object.prototype.hasOwnProperty.call(shape, key))
        out.push(problem(`${path}.${key}`, 'unknownField', 'is not allowed'));
    }
    // Cross-field rules only make sense once every field has the right shape.
    if (refine && out.length === before) refine(v, path, out);
  };
}

/** Discriminated union on a string tag, e.g. credential.kind. */
export function tagged(tag: string, variants: Record<string, Check>): Check {
  return (v, path, out) => {
    if (!isPlainObject(v)) return void out.push(problem(path, 'type', 'must be an object'));
    const kind = v[tag];
    if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(variants, kind)) {
      return void out.push(
        problem(
          `${path}.${tag}`,
          kind === undefined ? 'required' : 'enum',
          `must be one of ${Object.keys(variants).join(', ')}`,
        ),
      );
    }
    variants[kind](v, path, out);
  };
}

export function run(check: Check, value: unknown, root = '$'): Problem[] {
  const out: Problem[] = [];
  check(value, root, out);
  return out;
}
