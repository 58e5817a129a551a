/**
 * Permanent adversarial suite of the protocol library (issue 12): fast-check properties over
 * validation, canonical JSON, envelope verification and connect tokens. Each property counts what it
 * tried and what was refused; afterAll writes test-artifacts/security/protocol-properties.json for SECURITY.md.
 */
import fc from 'fast-check';
import { canonicalJson } from './canonical';
import { makeConnectToken, verifyConnectToken } from './connect-token';
import { generateChipKeyPair, toBase64Url } from './crypto';
import { openDeviceMessage, signEnvelope, verifyEnvelope } from './envelope';
import { buildExamples, exampleKeys, Examples } from './examples';
import { verifyGrant, verifyServerMessage } from './grant';
import { DownMessageType, MessageType, UP_MESSAGE_TYPES, DOWN_MESSAGE_TYPES } from './messages';
import { Problem, ProblemCode } from './schema';
import { SecurityClass, writeSecurityArtifact } from './spec-helpers';
import {
  decodeMessage,
  MESSAGE_TYPES,
  parsePayload,
  validateEnvelopeHeader,
  validateMessage,
  validateMessageOfType,
} from './validate';

const keys = exampleKeys();
const ex = buildExamples(keys);
const stranger = generateChipKeyPair();
const RUNS = 300;
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const run = <T>(prop: fc.IProperty<T>, numRuns = RUNS) => fc.assert(prop, { numRuns, seed: SEED });

// ---- counting for SECURITY.md ---------------------------------------------------------------------

const classes = new Map<string, SecurityClass>();
function count(name: string, notes: string, refused: boolean): void {
  const c = classes.get(name) ?? { class: name, tried: 0, refused: 0, notes };
  c.tried++;
  if (refused) c.refused++;
  classes.set(name, c);
}
afterAll(() =>
  writeSecurityArtifact(
    'protocol-properties',
    'Protocol library: property-based validation, canonical JSON, envelope and connect-token tests',
    [...classes.values()],
    `fast-check seed ${SEED}`,
  ),
);

// ---- arbitraries ----------------------------------------------------------------------------------

/** Keys that name Object.prototype members or are special to JS objects. */
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupGetter__',
  'propertyIsEnumerable',
  'toLocaleString',
];
const protoKey = fc.constantFrom(...PROTO_KEYS);

const nasty = fc.constantFrom(
  '\u0000',
  '\uD800',
  '\uDBFF',
  '\uDFFF',
  '\uDC00x',
  'x\uD83D',
  '\u202E',
  '\uFEFF',
  '\u2028',
  '\\u0000',
  '%00',
  "'; DROP TABLE x;--",
  '=1+1',
  '../../etc/passwd',
);
/** Strings as an attacker sends them: NUL, lone surrogates, escapes, controls, mixed into ordinary text. */
const hostileString = fc.oneof(
  fc
    .array(fc.oneof(nasty, fc.string(), fc.string({ unit: 'binary' })), { maxLength: 6 })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
const hugeString = fc
  .tuple(fc.integer({ min: 16 * 1024, max: 1_200_000 }), fc.constantFrom('A', '\u0000', '\uD800', '字', '"'))
  .map(([n, c]) => c.repeat(n));
/** Arrays or objects nested far deeper than any message (up to 20,000 levels). */
const deep = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean(), protoKey).map(([depth, arrays, key]) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++)
    v = arrays ? [v] : JSON.parse(`{"${i % 7 === 0 ? key : 'a'}":0}`, (k, x) => (k === '' ? { ...x, n: v } : x));
  return v;
});
const weirdNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(
    -0,
    NaN,
    Infinity,
    -Infinity,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER + 1,
  ),
);
/** Any JS value, including non-JSON ones (Map, Date, bigint, boxed, null-prototype, sparse arrays…). */
const anything = fc.anything({
  key: fc.oneof(fc.string(), protoKey),
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});
const hostileValue = fc.oneof(anything, hostileString, hugeString, deep, weirdNumber, fc.jsonValue());
const jsonValue = fc.jsonValue({ maxDepth: 3 });

// ---- helpers --------------------------------------------------------------------------------------

type Path = (string | number)[];
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** Same signed meaning (canonical bytes); values canonical JSON refuses are never the same as a valid message. */
function sameCanonical(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}
const PROBLEM_CODES: readonly ProblemCode[] = [
  'required',
  'type',
  'unknownField',
  'format',
  'range',
  'enum',
  'length',
  'consistency',
  'tooLarge',
  'json',
  'version',
];

/** A validation answer: a list of well-formed problems (and nothing thrown). */
function expectProblems(out: unknown): asserts out is Problem[] {
  expect(Array.isArray(out)).toBe(true);
  for (const p of out as Problem[]) {
    expect(typeof p.path).toBe('string');
    expect(p.path.startsWith('$')).toBe(true);
    expect(PROBLEM_CODES).toContain(p.code);
    expect(typeof p.message).toBe('string');
  }
}

/** Paths of every leaf and of every object or array node (root = []). */
function nodePaths(value: unknown, prefix: Path = []): { leaves: Path[]; objects: Path[]; arrays: Path[] } {
  const out = { leaves: [] as Path[], objects: [] as Path[], arrays: [] as Path[] };
  const walk = (v: unknown, p: Path) => {
    if (Array.isArray(v)) {
      out.arrays.push(p);
      v.forEach((x, i) => walk(x, [...p, i]));
    } else if (typeof v === 'object' && v !== null) {
      out.objects.push(p);
      for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    } else out.leaves.push(p);
  };
  walk(value, prefix);
  return out;
}
const getAt = (v: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], v);
/** Own-property assignment, so '__proto__' becomes a key as JSON.parse makes it, not a prototype change. */
function setOwn(node: object, key: string | number, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}
function setAt<T>(source: T, path: Path, value: unknown): T {
  const copy = clone(source);
  if (path.length === 0) return value as T;
  setOwn(getAt(copy, path.slice(0, -1)) as object, path[path.length - 1], value);
  return copy;
}
function removeAt<T>(source: T, path: Path): T {
  const copy = clone(source);
  const parent = getAt(copy, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as Record<string, unknown>)[last];
  return copy;
}
const pathText = (path: Path) => `$${path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;

type ExampleName = keyof Examples;
const DEVICE_SIGNED: ExampleName[] = ['statusOnline', 'armRequest', 'armRequestPhone', 'events'];
const SERVER_SIGNED: ExampleName[] = ['armGrant', 'armDenied', 'grantRevoke', 'grantPush', 'eventsAck', 'config'];
const SIGNED = [...DEVICE_SIGNED, ...SERVER_SIGNED];
const exampleName = fc.constantFrom(...(Object.keys(ex) as ExampleName[]));
const signedName = fc.constantFrom(...SIGNED);
const signerOf = (name: ExampleName) => (DEVICE_SIGNED.includes(name) ? keys.devicePublicKey : keys.serverPublicKey);

/** Every check the receiving side can make: none may throw, none may accept. */
function receivedBy(name: ExampleName, message: unknown): boolean {
  const msg = ex[name] as { type: MessageType; ts?: string };
  const now = new Date(msg.ts ?? '2026-03-02T08:00:00.000Z');
  if (DEVICE_SIGNED.includes(name) || name === 'statusOffline') {
    let payload: string;
    try {
      payload = JSON.stringify(message) ?? 'null';
    } catch {
      return false; // not even serialisable: cannot arrive as a payload
    }
    return openDeviceMessage(payload, { chip: keys.chip, type: msg.type, publicKey: keys.devicePublicKey, now }).ok;
  }
  const type = msg.type as DownMessageType;
  const server = verifyServerMessage(message, {
    serverPublicKey: keys.serverPublicKey,
    chip: keys.chip,
    type,
    now,
    checkFreshness: false,
  });
  if (type === 'arm.grant') {
    const grant = verifyGrant(message, {
      serverPublicKey: keys.serverPublicKey,
      chip: keys.chip,
      expectedNonce: ex.armGrant.body.nonce,
      now,
    });
    expect(grant.ok).toBe(server.ok);
  }
  return server.ok;
}

// ---- 1. validation is total -------------------------------------------------------------------

describe('validation never throws, whatever arrives', () => {
  const CLASS = 'validation: arbitrary values, every message type';
  it('validateMessage / validateMessageOfType / validateEnvelopeHeader answer any JS value with problems', () => {
    run(
      fc.property(hostileValue, (value) => {
        expectProblems(validateMessage(value));
        expectProblems(validateEnvelopeHeader(value));
        let refused = true;
        for (const type of MESSAGE_TYPES) {
          const problems = validateMessageOfType(type, value);
          expectProblems(problems);
          refused &&= problems.length > 0;
        }
        count(
          CLASS,
          'fc.anything incl. Map/Date/bigint/null-prototype, NUL and lone-surrogate strings, 1 MB strings, 20,000-deep nesting',
          refused,
        );
      }),
    );
  });

  it('any leaf or node of a valid message replaced by a hostile value: problems, never an exception', () => {
    run(
      fc.property(exampleName, fc.nat(), hostileValue, (name, pick, value) => {
        const msg = ex[name];
        const { leaves, objects, arrays } = nodePaths(msg);
        const paths = [...leaves, ...objects, ...arrays];
        const path = paths[pick % paths.length];
        const bad = setAt(msg, path, value);
        const problems = validateMessage(bad);
        expectProblems(problems);
        // Only structural checks: a signature check is the next step (below), so count what validation alone refused.
        count(
          'validation: one field of a valid message replaced by a hostile value',
          'any field of any message type set to a hostile value; the rest happened to be valid values for that field',
          problems.length > 0,
        );
        expect(() => receivedBy(name, bad)).not.toThrow();
      }),
    );
  });

  it('a key named like an Object.prototype member is an unknown field at every level of every message', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    run(
      fc.property(exampleName, fc.nat(), protoKey, jsonValue, (name, pick, key, value) => {
        const { objects } = nodePaths(ex[name]);
        const at = objects[pick % objects.length];
        const bad = clone(ex[name]);
        setOwn(at.length ? (getAt(bad, at) as object) : bad, key, value);
        // The JSON text a device would send, parsed as the server parses it.
        const parsed = JSON.parse(JSON.stringify(bad));
        const problems = validateMessage(parsed);
        expectProblems(problems);
        const flagged = problems.some((p) => p.path === `${pathText(at)}.${key}` && p.code === 'unknownField');
        count(
          'validation: prototype-pollution keys (__proto__, constructor, toString…)',
          'such a key added to any object of any message',
          flagged,
        );
        expect({ at: pathText(at), key, flagged }).toEqual({ at: pathText(at), key, flagged: true });
        expect(receivedBy(name, parsed)).toBe(false);
      }),
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parsePayload / decodeMessage / openDeviceMessage answer any bytes without throwing, and never accept them', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.string({ unit: 'binary' }).map((s) => Buffer.from(s, 'utf8')),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc
        .tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom('[', '{"a":'))
        .map(([n, open]) => Buffer.from(open.repeat(n))),
      fc.integer({ min: 16 * 1024 - 8, max: 64 * 1024 }).map((n) => Buffer.alloc(n, 0x20)),
    );
    run(
      fc.property(bytes, fc.constantFrom<MessageType>('status', ...UP_MESSAGE_TYPES), (payload, type) => {
        const parsed = parsePayload(payload);
        if (!parsed.ok) expectProblems(parsed.problems);
        const decoded = decodeMessage(payload);
        if (!decoded.ok) expectProblems(decoded.problems);
        const opened = openDeviceMessage(payload, {
          chip: keys.chip,
          type,
          publicKey: keys.devicePublicKey,
          now: new Date(ex.armRequest.ts),
        });
        count(
          'reception: arbitrary payload bytes',
          'random bytes, random UTF-8, any JSON, 12,000-deep brackets, oversize payloads',
          !opened.ok,
        );
        expect(opened.ok).toBe(false);
      }),
    );
  });

  it('device-side verification answers any value for every server message type without throwing', () => {
    run(
      fc.property(hostileValue, fc.constantFrom<DownMessageType>(...DOWN_MESSAGE_TYPES), (value, type) => {
        const now = new Date(ex.armGrant.ts);
        const res = verifyServerMessage(value, { serverPublicKey: keys.serverPublicKey, chip: keys.chip, type, now });
        const grant = verifyGrant(value, {
          serverPublicKey: keys.serverPublicKey,
          chip: keys.chip,
          expectedNonce: ex.armGrant.body.nonce,
          now,
        });
        count(
          'device side: arbitrary server messages',
          'verifyServerMessage / verifyGrant on hostile values',
          !res.ok && !grant.ok,
        );
        expect(res.ok || grant.ok).toBe(false);
      }),
    );
  });
});

// ---- 2. canonical JSON ------------------------------------------------------------------------

/** Same value with every object's keys in a shuffled order. */
function reorder(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, rand));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(() => rand() - 0.5);
  const out = {} as Record<string, unknown>;
  for (const [k, v] of entries) setOwn(out, k, reorder(v, rand));
  return out;
}
/** JSON data as canonical JSON carries it: -0 is 0. */
const normalise = (v: unknown): unknown => JSON.parse(JSON.stringify(v), (_k, x) => (Object.is(x, -0) ? 0 : x));
/** Independent reference encoding: keys sorted by UTF-16 code units, JSON.stringify for everything else. */
const sortedText = (v: unknown): string => {
  const ref = (x: unknown): string => {
    if (Array.isArray(x)) return `[${x.map(ref).join(',')}]`;
    if (typeof x === 'object' && x !== null) {
      const o = x as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${ref(o[k])}`)
        .join(',')}}`;
    }
    return JSON.stringify(x);
  };
  return ref(normalise(v));
};

describe('canonical JSON', () => {
  const json = fc.jsonValue({ maxDepth: 5 });

  it('is deterministic, key-order independent, idempotent and round-trips', () => {
    run(
      fc.property(json, fc.integer(), (value, seed) => {
        let s = seed;
        const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const text = canonicalJson(value);
        expect(canonicalJson(clone(value))).toBe(text);
        expect(canonicalJson(reorder(value, rand))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(normalise(value));
        // Whitespace-free and sorted: the same text as JSON.stringify of the key-sorted value.
        expect(text).toBe(sortedText(value));
      }),
    );
  });

  it('different values never share canonical bytes (no two messages sign alike)', () => {
    run(
      fc.property(json, fc.nat(), json, (a, pick, replacement) => {
        // b differs from a in one place, the way a forger would change a message.
        const { leaves, objects, arrays } = nodePaths(a);
        const paths = [...leaves, ...objects, ...arrays];
        const b = setAt(a, paths[pick % paths.length], replacement);
        const equal = sortedText(a) === sortedText(b);
        expect(canonicalJson(a) === canonicalJson(b)).toBe(equal);
      }),
    );
  });

  it('refuses what it cannot carry (lone surrogates, non-finite numbers, class instances, bigint, extreme nesting) with a TypeError only', () => {
    const unsignable = fc.oneof(
      anything,
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => ({ text: `a${String.fromCharCode(c)}b` })),
      fc.constantFrom(NaN, Infinity, -Infinity).map((n) => [n]),
      deep,
    );
    run(
      fc.property(unsignable, (value) => {
        let refused = false;
        try {
          const text = canonicalJson(value);
          expect(typeof text).toBe('string');
          expect(JSON.parse(text)).toBeDefined();
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
          refused = true;
        }
        count(
          'canonical JSON: values that cannot be signed',
          'lone surrogates, NaN/Infinity, Map/Date/bigint/boxed values, deep nesting: TypeError or valid JSON',
          refused,
        );
      }),
    );
  });
});

// ---- 3. no mutation of a signed envelope verifies --------------------------------------------------

describe('no mutation of a signed envelope is accepted', () => {
  beforeAll(() => {
    // The unmutated originals do verify, so a "false" below is the mutation's doing.
    for (const name of SIGNED) expect(verifyEnvelope(signerOf(name), ex[name])).toBe(true);
    for (const name of SIGNED) expect({ name, ok: receivedBy(name, ex[name]) }).toEqual({ name, ok: true });
  });
  const CLASS = 'envelope: signed message altered (field changed, removed or added)';
  const NOTE =
    'any field incl. v/type/id/chip/seq/ts/sig/body, any JSON value, at any depth, of every signed message type';

  const refuse = (name: ExampleName, mutated: unknown) => {
    const sigOk = verifyEnvelope(signerOf(name), mutated);
    const accepted = receivedBy(name, mutated);
    count(CLASS, NOTE, !sigOk && !accepted);
    expect({ sigOk, accepted }).toEqual({ sigOk: false, accepted: false });
  };

  it('changing any field to any other JSON value', () => {
    run(
      fc.property(signedName, fc.nat(), jsonValue, (name, pick, value) => {
        const { leaves, objects, arrays } = nodePaths(ex[name]);
        const paths = [...leaves, ...objects, ...arrays].filter((p) => p.length > 0);
        const path = paths[pick % paths.length];
        fc.pre(!sameCanonical(value, getAt(ex[name], path)));
        refuse(name, setAt(ex[name], path, value));
      }),
    );
  });

  it('changing an envelope header field (v, type, id, chip, seq, ts, sig)', () => {
    const header = fc.constantFrom('v', 'type', 'id', 'chip', 'seq', 'ts', 'sig');
    run(
      fc.property(
        signedName,
        header,
        fc.oneof(
          jsonValue,
          hostileString,
          fc.integer(),
          fc.constantFrom(...MESSAGE_TYPES),
          fc.constantFrom(keys.chip, stranger.chip),
        ),
        (name, field, value) => {
          const original = (ex[name] as unknown as Record<string, unknown>)[field];
          fc.pre(!sameCanonical(value, original));
          refuse(name, setAt(ex[name], [field], value));
        },
      ),
    );
  });

  it('removing any field or array item, or adding any key at any level', () => {
    run(
      fc.property(
        signedName,
        fc.nat(),
        fc.boolean(),
        fc.oneof(fc.string(), protoKey),
        jsonValue,
        (name, pick, remove, key, value) => {
          const { leaves, objects, arrays } = nodePaths(ex[name]);
          if (remove) {
            const paths = [...leaves, ...objects, ...arrays].filter((p) => p.length > 0 && p[0] !== 'sig');
            refuse(name, removeAt(ex[name], paths[pick % paths.length]));
          } else {
            const at = objects[pick % objects.length];
            fc.pre(!Object.prototype.hasOwnProperty.call(getAt(ex[name], at), key));
            const mutated = clone(ex[name]);
            setOwn(at.length ? (getAt(mutated, at) as object) : mutated, key, value);
            refuse(name, mutated);
          }
        },
      ),
    );
  });

  it('any single-byte change, insertion or deletion in the payload text is refused unless it means the same JSON', () => {
    let equivalent = 0;
    run(
      fc.property(
        signedName,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('replace', 'insert', 'delete'),
        (name, pick, byte, op) => {
          const text = Buffer.from(JSON.stringify(ex[name]));
          const i = pick % text.length;
          const mutated =
            op === 'replace'
              ? Buffer.concat([text.subarray(0, i), Buffer.from([byte]), text.subarray(i + 1)])
              : op === 'insert'
                ? Buffer.concat([text.subarray(0, i), Buffer.from([byte]), text.subarray(i)])
                : Buffer.concat([text.subarray(0, i), text.subarray(i + 1)]);
          fc.pre(!mutated.equals(text));
          let parsed: unknown;
          try {
            parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(mutated));
          } catch {
            parsed = undefined;
          }
          const sameMeaning = parsed !== undefined && sameCanonical(parsed, ex[name]);
          let accepted: boolean;
          if (DEVICE_SIGNED.includes(name)) {
            accepted = openDeviceMessage(mutated, {
              chip: keys.chip,
              type: ex[name].type,
              publicKey: keys.devicePublicKey,
              now: new Date((ex[name] as { ts: string }).ts),
            }).ok;
          } else accepted = parsed !== undefined && receivedBy(name, parsed);
          if (sameMeaning) {
            // Whitespace or an equivalent escape: the message itself is unchanged, so it is not a forgery.
            equivalent++;
            return;
          }
          count(
            'envelope: one byte of the payload changed, inserted or deleted',
            `every byte position of every signed message type; re-encodings with identical meaning not counted (${equivalent} so far)`,
            !accepted,
          );
          expect({ op, i, accepted }).toEqual({ op, i, accepted: false });
        },
      ),
      600,
    );
    const c = classes.get('envelope: one byte of the payload changed, inserted or deleted')!;
    c.notes = `every byte position of every signed message type; ${equivalent} re-encodings with identical meaning (whitespace) not counted`;
  });

  it('any bit of the signature flipped, another signature, or another signer', () => {
    run(
      fc.property(
        signedName,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom('flip', 'other-message', 'stranger-key', 'wrong-role-key'),
        (name, pick, bit, how) => {
          const msg = ex[name];
          let mutated: unknown = msg;
          let key = signerOf(name);
          if (how === 'flip') {
            const sig = Buffer.from((msg as { sig: string }).sig, 'base64url');
            sig[pick % sig.length] ^= 1 << bit;
            mutated = { ...msg, sig: toBase64Url(sig) };
          } else if (how === 'other-message') {
            const other = ex[SIGNED[pick % SIGNED.length]] as { sig: string };
            fc.pre(other.sig !== (msg as { sig: string }).sig);
            mutated = { ...msg, sig: other.sig };
          } else if (how === 'stranger-key') {
            mutated = signEnvelope(stranger.privateKey, msg as never);
          } else {
            key = DEVICE_SIGNED.includes(name) ? keys.serverPublicKey : keys.devicePublicKey;
          }
          const ok = verifyEnvelope(key, mutated) || (how !== 'wrong-role-key' && receivedBy(name, mutated));
          count(
            'envelope: signature forged, swapped or by another key',
            "bit flips in sig, a sig of another message, re-signed by an unbound key, checked with the wrong party's key",
            !ok,
          );
          expect(ok).toBe(false);
        },
      ),
    );
  });
});

// ---- 4. connect token: only the exact token ------------------------------------------------------

describe('connect token verification accepts only the exact token', () => {
  const t0 = new Date('2026-03-02T08:00:00.000Z');
  const nonce = fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => toBase64Url(b));
  const CLASS = 'connect token: altered, forged or foreign tokens';
  const NOTE =
    'character replaced/inserted/deleted, truncated, extended, re-signed by another key, other chip as username, outside the 5 min window';
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u0000';

  it('the genuine token verifies, for its own chip and key, within ±5 min', () => {
    run(
      fc.property(nonce, fc.integer({ min: -300_000, max: 300_000 }), (n, skew) => {
        const token = makeConnectToken(keys.device, t0, n);
        expect(
          verifyConnectToken(token, keys.devicePublicKey, new Date(t0.getTime() + skew), { username: keys.chip }),
        ).toEqual({ ok: true, claims: { chip: keys.chip, ts: t0.toISOString(), nonce: n } });
      }),
      100,
    );
  });

  it('every other string is refused', () => {
    const edit = fc.record({
      op: fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'append', 'swap'),
      at: fc.nat(),
      ch: fc.constantFrom(...ALPHABET.split('')),
      tail: fc.string({ minLength: 1, maxLength: 8 }),
    });
    run(
      fc.property(nonce, edit, (n, e) => {
        const token = makeConnectToken(keys.device, t0, n);
        const i = e.at % token.length;
        const mutated =
          e.op === 'replace'
            ? token.slice(0, i) + e.ch + token.slice(i + 1)
            : e.op === 'insert'
              ? token.slice(0, i) + e.ch + token.slice(i)
              : e.op === 'delete'
                ? token.slice(0, i) + token.slice(i + 1)
                : e.op === 'truncate'
                  ? token.slice(0, i)
                  : e.op === 'append'
                    ? token + e.tail
                    : token.split('.').reverse().join('.');
        fc.pre(mutated !== token);
        const res = verifyConnectToken(mutated, keys.devicePublicKey, t0, { username: keys.chip });
        count(CLASS, NOTE, !res.ok);
        expect({ op: e.op, i, res: res.ok }).toEqual({ op: e.op, i, res: false });
      }),
    );
  });

  it('a token of another key, another chip as username, or outside the window is refused', () => {
    run(
      fc.property(
        nonce,
        fc.constantFrom('stranger-signed', 'stranger-username', 'verified-as-stranger', 'stale', 'future'),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (n, how, ms) => {
          let token = makeConnectToken(keys.device, t0, n);
          let key = keys.devicePublicKey;
          let username = keys.chip;
          let now = t0;
          if (how === 'stranger-signed')
            token = `${token.split('.')[0]}.${makeConnectToken(stranger.privateKey, t0, n).split('.')[1]}`;
          if (how === 'stranger-username') username = stranger.chip;
          if (how === 'verified-as-stranger') key = stranger.publicKeyRaw;
          if (how === 'stale') now = new Date(t0.getTime() + 300_000 + ms);
          if (how === 'future') now = new Date(t0.getTime() - 300_000 - ms);
          const res = verifyConnectToken(token, key, now, { username });
          count(CLASS, NOTE, !res.ok);
          expect(res.ok).toBe(false);
        },
      ),
    );
  });

  it('any value as token or key never throws and never verifies', () => {
    run(
      fc.property(
        hostileValue,
        fc.oneof(fc.constant(keys.devicePublicKey), hostileString, fc.uint8Array({ maxLength: 40 })),
        (token, key) => {
          let res: ReturnType<typeof verifyConnectToken> | undefined;
          expect(() => (res = verifyConnectToken(token, key as string, t0))).not.toThrow();
          count('connect token: arbitrary values', 'any JS value as token, hostile strings or bytes as key', !res!.ok);
          expect(res!.ok).toBe(false);
        },
      ),
    );
  });
});
