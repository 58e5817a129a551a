import { buildExamples, exampleKeys, Examples } from './examples';
import { leafPaths, REMOVE, withChange } from './spec-helpers';
import { openDeviceMessage, signEnvelope as sign } from './envelope';
import { isStorableText } from './schema';
import {
  decodeMessage,
  isMessageOfType,
  isValidMessage,
  parseInstant,
  validateEvent,
  validateMessage,
  validateMessageOfType,
} from './validate';

const keys = exampleKeys();
const ex = buildExamples(keys);
const names = Object.keys(ex) as (keyof Examples)[];
const jsonPath = (path: (string | number)[]) =>
  '$' + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');

/** Optional fields: removing them keeps a message valid. */
const OPTIONAL = new Set([
  'body.permitId',
  'body.welderName',
  'body.maxCurrentA',
  'body.gasLimitPercentLel',
  'body.grantId',
  'body.retryAfterS',
  'body.missing',
  'grantId',
  'messageId',
  'seq',
]);

function objectPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectPaths(v, [...prefix, i]));
  if (typeof value !== 'object' || value === null) return [];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => objectPaths(v, [...prefix, k]))];
}

describe('validateMessage', () => {
  it.each(names)('accepts the %s example', (name) => {
    expect(validateMessage(ex[name])).toEqual([]);
    expect(isValidMessage(ex[name])).toBe(true);
  });

  it.each(names)('rejects a wrong-typed value in every field of %s, naming the field', (name) => {
    for (const path of leafPaths(ex[name])) {
      const problems = validateMessage(withChange(ex[name], path, { wrong: true }));
      expect({ path, hit: problems.some((p) => p.path === jsonPath(path)) }).toEqual({ path, hit: true });
    }
  });

  it.each(names)('rejects a missing required field of %s as "required"', (name) => {
    for (const path of leafPaths(ex[name])) {
      const key = path.filter((k) => typeof k === 'string').slice(-1)[0];
      const dotted = path.filter((k) => typeof k === 'string').join('.');
      const event =
        path[0] === 'body' && path[1] === 'events'
          ? (ex[name] as { body: { events: { type: string }[] } }).body.events[path[2] as number]
          : undefined;
      const optional =
        OPTIONAL.has(dotted) ||
        (OPTIONAL.has(key) && path.includes('events')) ||
        (key === 'seq' &&
          path.length === 1 &&
          ['armGrant', 'armDenied', 'grantRevoke', 'grantPush', 'eventsAck', 'config'].includes(name)) ||
        // power.cut carries the measured current and the limit only for over_current.
        (event?.type === 'power.cut' && ['currentA', 'limitA', 'by'].includes(key)) ||
        // An interrupted arc.stop that kept its statistics is still valid without the marker.
        (event?.type === 'arc.stop' && key === 'interrupted');
      const problems = validateMessage(withChange(ex[name], path, REMOVE));
      if (optional || (name === 'config' && path[0] === 'body')) continue;
      expect({ path, hit: problems.some((p) => p.path === jsonPath(path) && p.code === 'required') }).toEqual({
        path,
        hit: true,
      });
    }
  });

  it.each(names)('rejects an unknown field in every object of %s', (name) => {
    for (const path of objectPaths(ex[name])) {
      if (path[0] === 'body' && path.length === 1 && name === 'statusOffline') continue;
      const problems = validateMessage(withChange(ex[name], [...path, 'surplus'], 1));
      expect({
        path,
        hit: problems.some((p) => p.path === jsonPath([...path, 'surplus']) && p.code === 'unknownField'),
      }).toEqual({ path, hit: true });
    }
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'rejects the key %s, named like an Object.prototype member, as an unknown field',
    (key) => {
      // As JSON.parse delivers it: an own key, even for __proto__.
      const msg = JSON.parse(JSON.stringify(ex.armRequest).replace('"nonce":', `"${key}":1,"nonce":`));
      expect(validateMessage(msg)).toEqual([expect.objectContaining({ path: `$.body.${key}`, code: 'unknownField' })]);
    },
  );

  const ev = (i: number, field: string) => ['body', 'events', i, field];
  const cases: [keyof Examples, (string | number)[], unknown, string][] = [
    ['armRequest', ['v'], 2, 'version'],
    ['armRequest', ['type'], 'arm.requested', 'enum'],
    ['armRequest', ['id'], 'short', 'format'],
    ['armRequest', ['id'], 'a'.repeat(65), 'format'],
    ['armRequest', ['id'], 'has space in the id!!', 'format'],
    ['armRequest', ['chip'], 'C47Z33QX1AJH62RKBZ1AO', 'format'],
    ['armRequest', ['chip'], 'c47z33qx1ajh62rkbz1a0', 'format'],
    ['armRequest', ['seq'], 0, 'range'],
    ['armRequest', ['seq'], 1.5, 'type'],
    ['armRequest', ['seq'], REMOVE, 'required'],
    ['armRequest', ['ts'], '2026-03-02T16:00:00+08:00', 'format'],
    ['armRequest', ['ts'], '2026-02-30T08:00:00.000Z', 'format'],
    ['armRequest', ['ts'], '2026-03-02 08:00:00Z', 'format'],
    ['armRequest', ['sig'], 'AAAA', 'format'],
    ['armRequest', ['body'], [], 'type'],
    ['armRequest', ['body', 'nonce'], 'c2hvcnQ', 'format'],
    ['armRequest', ['body', 'nonce'], 'q1W8eR4tY7uI0oP3aS6dFg==', 'format'],
    ['armRequest', ['body', 'credential', 'kind'], 'password', 'enum'],
    ['armRequest', ['body', 'credential', 'code'], 'M3F7K9M2QX4TB8N6RZ5HC1', 'format'],
    ['armRequest', ['body', 'credential', 'code'], 'W3F7K9M2QX4TB8N6RZ5HCI', 'format'],
    ['armRequest', ['body', 'credential', 'sessionId'], 'x', 'unknownField'],
    ['armRequestPhone', ['body', 'credential', 'sessionId'], 'no spaces allowed', 'format'],
    ['armRequest', ['body', 'permitId'], '', 'format'],
    ['armRequest', ['body', 'position', 'lat'], 90.1, 'range'],
    ['armRequest', ['body', 'position', 'lng'], -180.5, 'range'],
    ['armRequest', ['body', 'position', 'accuracyM'], -1, 'range'],
    ['armRequest', ['body', 'position', 'fixAt'], 'yesterday', 'format'],
    ['armRequest', ['body', 'machineKind'], 'laser', 'enum'],
    ['armGrant', ['body', 'chip'], 'C0000000000000000000A', 'consistency'],
    ['armGrant', ['body', 'expiresAt'], '2026-03-02T08:00:00.400Z', 'consistency'],
    ['armGrant', ['body', 'requestId'], 'x', 'format'],
    ['armGrant', ['body', 'maxCurrentA'], 0, 'range'],
    ['armDenied', ['body', 'reason'], 'OK', 'enum'],
    ['armDenied', ['body', 'reason'], 'GRANT_EXPIRED', 'enum'],
    ['armDenied', ['body', 'reason'], 'NOT_A_REASON', 'enum'],
    ['armDenied', ['body', 'message', 'en'], '', 'length'],
    ['armDenied', ['body', 'retryAfterS'], 0, 'range'],
    ['grantRevoke', ['body', 'reason'], 'WELDER_NOT_NAMED', 'enum'],
    ['events', ['body', 'events'], [], 'length'],
    ['events', ev(0, 'type'), 'arc.begin', 'enum'],
    ['events', ev(1, 'seq'), 118, 'consistency'],
    ['events', ev(1, 'to'), 'welding', 'enum'],
    ['events', ev(1, 'trigger'), 'button', 'enum'],
    ['events', ev(4, 'endedAt'), '2026-03-02T08:00:00.000Z', 'consistency'],
    ['events', ev(4, 'durationMs'), 90_000, 'consistency'],
    ['events', ev(4, 'sampleRateHz'), 5, 'range'],
    ['events', ev(4, 'samples'), 0, 'range'],
    ['events', [...ev(4, 'current'), 'min'], 200, 'consistency'],
    ['events', [...ev(4, 'voltage'), 'p95'], 30, 'consistency'],
    ['events', ev(5, 'state'), 'welding', 'enum'],
    ['events', [...ev(5, 'position'), 'lat'], -91, 'range'],
    ['events', ev(6, 'percentLel'), 101, 'range'],
    ['events', ev(7, 'switch'), 'door', 'enum'],
    ['events', ev(8, 'relayClosed'), true, 'enum'],
    ['events', ev(9, 'reason'), 'bored', 'enum'],
    ['events', ev(10, 'reason'), 'rude', 'enum'],
    ['events', ev(11, 'toSeq'), 59, 'consistency'],
    ['events', ev(14, 'cause'), 'unplugged', 'enum'],
    ['events', ev(14, 'cause'), REMOVE, 'required'],
    ['events', ev(17, 'cause'), 'port_closed', 'consistency'],
    ['events', ev(15, 'by'), 'agent', 'enum'],
    ['events', ev(15, 'reason'), 'agent_hung', 'enum'],
    ['events', ev(16, 'interrupted'), 'power_failure', 'enum'],
    ['events', ev(4, 'interrupted'), 'arc_ended', 'enum'],
    ['events', ev(4, 'current'), REMOVE, 'required'],
    ['eventsAck', ['body', 'upToSeq'], -1, 'range'],
    ['eventsAck', ['body', 'missing'], [135], 'consistency'],
    ['eventsAck', ['body', 'missing'], [140, 135], 'consistency'],
    ['eventsAck', ['body', 'missing'], Array.from({ length: 1001 }, (_, i) => 200 + i), 'length'],
    ['config', ['body'], {}, 'required'],
    ['config', ['body', 'heartbeatIntervalS'], 1, 'range'],
    ['statusOnline', ['body', 'protocol'], 2, 'version'],
    ['statusOnline', ['seq'], REMOVE, 'required'],
    ['statusOnline', ['body', 'faults'], ['journal_unwritable', 'journal_unwritable'], 'consistency'],
    ['statusOnline', ['body', 'faults'], ['disk_full'], 'enum'],
    ['statusOnline', ['body', 'faults'], ['journal_unwritable', 'board_lost', 'relay_fault', 'board_lost'], 'length'],
    ['statusOffline', ['body', 'reason'], 'crash', 'enum'],
  ];
  it.each(cases)('%s: %j = %j is rejected with %s', (name, path, value, code) => {
    const problems = validateMessage(withChange(ex[name], path, value));
    expect(problems.map((p) => p.code)).toContain(code);
  });

  it('accepts an events batch of 100 and rejects 101', () => {
    const hb = ex.events.body.events[5];
    const batch = (n: number) => ({
      ...ex.events,
      body: { events: Array.from({ length: n }, (_, i) => ({ ...hb, seq: i + 1 })) },
    });
    expect(validateMessage(batch(100))).toEqual([]);
    expect(validateMessage(batch(101)).map((p) => p.code)).toContain('length');
  });

  it('accepts an interrupted arc.stop without statistics, and status faults', () => {
    const interrupted = ex.events.body.events[16];
    const bare = { ...interrupted, samples: 0, interrupted: 'agent_crashed' } as Record<string, unknown>;
    delete bare.current;
    delete bare.voltage;
    expect(validateMessage(withChange(ex.events, ['body', 'events', 16], bare))).toEqual([]);
    expect(validateMessage(withChange(ex.events, ['body', 'events', 4, 'samples'], 0)).map((p) => p.code)).toContain(
      'range',
    );
    expect(
      validateMessage(withChange(ex.statusOnline, ['body', 'faults'], ['journal_unwritable', 'board_lost'])),
    ).toEqual([]);
    expect(validateMessage(withChange(ex.statusOnline, ['body', 'faults'], []))).toEqual([]);
  });

  it('accepts the optional seq on server messages and null positions', () => {
    expect(validateMessage({ ...ex.armGrant, seq: 9 })).toEqual([]);
    expect(validateMessage(withChange(ex.armRequest, ['body', 'position'], null))).toEqual([]);
  });

  it('reports non-objects and unknown message types at the root', () => {
    expect(validateMessage(null)).toEqual([expect.objectContaining({ path: '$', code: 'type' })]);
    expect(validateMessage([])).toEqual([expect.objectContaining({ path: '$', code: 'type' })]);
    expect(validateMessage({ ...ex.armRequest, type: 'arm.fire' })).toEqual([
      expect.objectContaining({ path: '$.type', code: 'enum' }),
    ]);
  });

  it('type guards check the type too', () => {
    expect(isMessageOfType('arm.request', ex.armRequest)).toBe(true);
    expect(isMessageOfType('events', ex.armRequest)).toBe(false);
    expect(validateMessageOfType('arm.grant', ex.armDenied)).toEqual([expect.objectContaining({ path: '$.type' })]);
  });
});

describe('NUL and lone surrogates', () => {
  const BAD = ['\u0000', '\ud800', '\udc00', 'a\udbffb'];
  const deviceExamples = ['statusOnline', 'armRequest', 'armRequestPhone', 'events'] as const;
  const stringPaths = (value: unknown) =>
    leafPaths(value).filter(
      (p) => typeof p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value) === 'string',
    );

  it('isStorableText accepts pairs and refuses NUL and lone halves', () => {
    expect(isStorableText('焊工 😀 ok')).toBe(true);
    for (const bad of BAD) expect(isStorableText(`x${bad}y`)).toBe(false);
  });

  it.each(deviceExamples)('refuses them in every string of a %s message', (name) => {
    let tried = 0;
    for (const path of stringPaths(ex[name])) {
      if (path[0] === 'sig') continue;
      for (const bad of BAD) {
        const original = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], ex[name]) as string;
        const changed = withChange(ex[name], path, original.slice(0, 1) + bad + original.slice(1));
        expect(validateMessage(changed).length).toBeGreaterThan(0);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(8);
  });

  it('a signed message carrying them opens as MALFORMED (answerable), not as an exception', () => {
    const body = { ...ex.statusOnline.body, firmware: 'fw\u0000x' };
    const signed = sign(keys.device, { ...ex.statusOnline, body });
    const r = openDeviceMessage(JSON.stringify(signed), {
      chip: signed.chip,
      type: 'status',
      publicKey: keys.devicePublicKey,
      now: new Date(signed.ts),
    });
    expect(r).toMatchObject({ ok: false, reason: 'MALFORMED', answerable: true });
    const boot = { ...ex.events.body.events[0], firmware: 'fw\ud800' };
    expect(validateEvent(boot).map((p) => p.code)).toContain('format');
    expect(validateEvent(ex.events.body.events[0])).toEqual([]);
  });
});

describe('events.ack rejected', () => {
  it('accepts ascending rejected seqs and refuses unordered, overlong or missing-overlapping lists', () => {
    const ack = (body: Record<string, unknown>) => ({ ...ex.eventsAck, body: { ...ex.eventsAck.body, ...body } });
    expect(validateMessage(ack({ rejected: [120, 131] }))).toEqual([]);
    expect(validateMessage(ack({ rejected: [131, 120] })).map((p) => p.code)).toContain('consistency');
    expect(validateMessage(ack({ rejected: [] })).map((p) => p.code)).toContain('length');
    expect(
      validateMessage(ack({ rejected: Array.from({ length: 101 }, (_, i) => i + 1) })).map((p) => p.code),
    ).toContain('length');
    expect(validateMessage(ack({ missing: [140], rejected: [140] })).map((p) => p.code)).toContain('consistency');
  });
});

describe('decodeMessage', () => {
  it('decodes a valid payload', () => {
    expect(decodeMessage(JSON.stringify(ex.events))).toEqual({ ok: true, message: ex.events });
  });

  it('enforces the 16 KiB limit on the UTF-8 bytes', () => {
    const big = sign(keys.device, { ...ex.armRequest, body: { ...ex.armRequest.body, permitId: 'x' } });
    const padded = JSON.stringify(big) + ' '.repeat(16 * 1024 - JSON.stringify(big).length);
    expect(decodeMessage(padded).ok).toBe(true);
    expect(decodeMessage(padded + ' ')).toMatchObject({ ok: false, problems: [{ code: 'tooLarge' }] });
  });

  it('reports JSON and validation problems', () => {
    expect(decodeMessage('not json')).toMatchObject({ ok: false, problems: [{ code: 'json' }] });
    expect(decodeMessage(JSON.stringify({ ...ex.events, seq: 0 }))).toMatchObject({
      ok: false,
      problems: [{ path: '$.seq', code: 'range' }],
    });
  });
});

describe('parseInstant', () => {
  it('reads strict UTC instants only', () => {
    expect(parseInstant('2026-03-02T08:00:00Z')).toBe(Date.UTC(2026, 2, 2, 8));
    expect(parseInstant('2026-03-02T08:00:00.123Z')).toBe(Date.UTC(2026, 2, 2, 8, 0, 0, 123));
    expect(parseInstant('2026-03-02T08:00:00.1234Z')).toBeNaN();
    expect(parseInstant('2026-13-02T08:00:00Z')).toBeNaN();
    expect(parseInstant(1)).toBeNaN();
  });
});
