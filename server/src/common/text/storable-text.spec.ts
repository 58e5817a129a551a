import { escapeUnstorable, storableJson } from './storable-text';

describe('storable text', () => {
  it('writes NUL and lone surrogates out as escape text and keeps pairs', () => {
    expect(escapeUnstorable('a\u0000b')).toBe('a\\u0000b');
    expect(escapeUnstorable('x\ud800y\udc01')).toBe('x\\ud800y\\udc01');
    expect(escapeUnstorable('焊 😀')).toBe('焊 😀');
  });

  it('cleans keys and nested values, and JSON.stringify of the result has no \\u0000 or lone-surrogate escape', () => {
    const v = storableJson({ 'k\u0000': ['\ud83d', { deep: 'n\u0000' }], n: 1, ok: null }) as Record<string, unknown>;
    expect(v).toEqual({ 'k\\u0000': ['\\ud83d', { deep: 'n\\u0000' }], n: 1, ok: null });
    expect(JSON.stringify(v)).not.toMatch(/(?<!\\)\\u0000|(?<!\\)\\ud83d/);
  });
});
