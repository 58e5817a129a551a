import { randomBytes } from 'node:crypto';
import { FieldCipher } from './field-cipher';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(randomBytes(32));

  it('round-trips and never stores the plain text', () => {
    const stored = cipher.encrypt('11010519491231002X');
    expect(stored).not.toContain('11010519491231002X');
    expect(cipher.decrypt(stored)).toBe('11010519491231002X');
    expect(cipher.encrypt('x')).not.toBe(cipher.encrypt('x'));
  });

  it('detects tampering', () => {
    const stored = cipher.encrypt('secret');
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`v1:${raw.toString('base64')}`)).toThrow();
  });

  it('gives a stable, key-dependent blind index', () => {
    expect(cipher.blindIndex('11010519491231002x')).toBe(cipher.blindIndex('11010519491231002X'));
    expect(new FieldCipher(randomBytes(32)).blindIndex('a')).not.toBe(cipher.blindIndex('a'));
  });
});
