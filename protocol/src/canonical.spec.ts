import { canonicalBytes, canonicalJson } from './canonical';

describe('canonicalJson', () => {
  it('sorts keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('does not depend on insertion order', () => {
    const a = { v: 1, type: 't', body: { x: 1, y: [1, 2] }, id: 'i' };
    const b = { id: 'i', body: { y: [1, 2], x: 1 }, type: 't', v: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('keeps array order', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
  });

  it('sorts by UTF-16 code units like RFC 8785 (upper case before lower, digits first)', () => {
    expect(canonicalJson({ b: 0, B: 0, '1': 0, 'zh-CN': 0, en: 0 })).toBe('{"1":0,"B":0,"b":0,"en":0,"zh-CN":0}');
  });

  it('writes numbers in shortest round-trip form, -0 as 0', () => {
    expect(canonicalJson([1.5, 34.2375, 100, -0, 1e-7, 0.1 + 0.2])).toBe(
      '[1.5,34.2375,100,0,1e-7,0.30000000000000004]',
    );
  });

  it('escapes strings like JSON and keeps non-ASCII as UTF-8', () => {
    expect(canonicalJson({ m: '张*\n"\\' })).toBe('{"m":"张*\\n\\"\\\\"}');
    expect(canonicalBytes({ m: '张' }).toString('hex')).toBe(Buffer.from('{"m":"张"}', 'utf8').toString('hex'));
  });

  it('takes 64 levels of nesting', () => {
    expect(canonicalJson(JSON.parse('['.repeat(64) + ']'.repeat(64)))).toBe('['.repeat(64) + ']'.repeat(64));
  });

  it('leaves out undefined-valued keys', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', { a: Infinity }],
    ['a Date', new Date(0)],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['undefined in an array', [undefined]],
    ['a lone surrogate', '\uD800x'],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array (would print "[,]")', [1, , 2]],
    ['nesting deeper than 64 levels', JSON.parse('['.repeat(65) + ']'.repeat(65))],
  ])('rejects %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
