import { formatTrackingCode, generateTrackingCode, normaliseTrackingCode, TRACKING_CODE_LENGTH } from './tracking-code';

describe('tracking codes', () => {
  it('are 10 Crockford base32 characters and do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = generateTrackingCode();
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
      seen.add(c);
    }
    expect(seen.size).toBe(2000);
    expect(TRACKING_CODE_LENGTH).toBe(10);
  });

  it('use every character of the alphabet', () => {
    const chars = new Set(Array.from({ length: 300 }, generateTrackingCode).join(''));
    expect(chars.size).toBe(32);
  });

  it('normalise what people type back', () => {
    expect(normaliseTrackingCode('ab3de-fg7hk')).toBe('AB3DEFG7HK');
    expect(normaliseTrackingCode(' AB3DE FG7HK ')).toBe('AB3DEFG7HK');
    expect(normaliseTrackingCode('o1lI0-00000')).toBe('0111000000');
    expect(normaliseTrackingCode(formatTrackingCode('AB3DEFG7HK'))).toBe('AB3DEFG7HK');
  });

  it('reject anything else', () => {
    for (const bad of [
      '',
      'AB3DE',
      'AB3DEFG7HKX',
      'AB3DEFG7HU',
      '../../etc',
      'AB3DE_FG7HK',
      'x'.repeat(100),
      12345,
      null,
    ]) {
      expect(normaliseTrackingCode(bad)).toBeNull();
    }
  });

  it('display in two groups of five', () => {
    expect(formatTrackingCode('AB3DEFG7HK')).toBe('AB3DE-FG7HK');
  });
});
