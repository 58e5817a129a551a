import { jsonDepthExceeds } from './json-depth';
import { findUnsafeText } from './text-safety';

describe('JSON depth on raw bytes', () => {
  const nest = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));
  it('counts objects and arrays, not brackets in strings or escaped quotes', () => {
    expect(jsonDepthExceeds(nest(32))).toBe(false);
    expect(jsonDepthExceeds(nest(33))).toBe(true);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ a: '{'.repeat(100), b: 'x\\"[[[' })))).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('{"a":"\\"", "b":' + '['.repeat(40)))).toBe(true);
  });
  it('is linear and needs no stack for a million levels', () => {
    expect(jsonDepthExceeds(nest(1_000_000))).toBe(true);
  });
});

describe('text PostgreSQL cannot store', () => {
  it('finds NUL and lone surrogates in values and keys, with their paths', () => {
    expect(
      findUnsafeText({ a: 'ok', b: { c: ['x', 'y\u0000'] }, ['k\uD800']: 1, d: '\uDC00', e: '\uD83D\uDD25' }, ''),
    ).toEqual(
      expect.arrayContaining([
        { field: 'b.c[1]', code: 'nulCharacter' },
        { field: 'k\uD800', code: 'loneSurrogate' },
        { field: 'd', code: 'loneSurrogate' },
      ]),
    );
    expect(findUnsafeText('fine \uD83D\uDD25', 'q')).toEqual([]);
    expect(findUnsafeText('\u0000', 'q')).toEqual([{ field: 'q', code: 'nulCharacter' }]);
  });
});
