import { randomBytes } from 'node:crypto';
import { CROCKFORD_ALPHABET, crockfordBase32 } from './crypto';
import { extractWelderCode, IDENTITY_CODE_LENGTH, IDENTITY_CODE_PATTERN, WELDER_CODE_PATTERN } from './identity-code';

// The copies this module replaces, as they were written (server code signer, protocol validate).
const OLD_SERVER_SHAPE = /^[MW][0123456789ABCDEFGHJKMNPQRSTVWXYZ]{21}$/;
const OLD_WELDER_PATTERN = /^W[0-9ABCDEFGHJKMNPQRSTVWXYZ]{21}$/;

describe('identity-code shape (the one source)', () => {
  const samples = [
    ...Array.from({ length: 200 }, (_, i) => (i % 2 ? 'M' : 'W') + crockfordBase32(randomBytes(14)).slice(0, 21)),
    'M' + 'I'.repeat(21),
    'W' + 'L'.repeat(21),
    'W' + 'O'.repeat(21),
    'M' + 'U'.repeat(21),
    'w' + '0'.repeat(21),
    'C' + '0'.repeat(21),
    'W' + '0'.repeat(20),
    'W' + '0'.repeat(22),
    '',
    'W0ZK3X7Q9T2BC8N4HJ6V5R',
    'M0ZK3X7Q9T2BC8N4HJ6V5R',
  ];

  it('accepts exactly what the former copies accepted', () => {
    for (const s of samples) {
      expect(IDENTITY_CODE_PATTERN.test(s)).toBe(OLD_SERVER_SHAPE.test(s));
      expect(WELDER_CODE_PATTERN.test(s)).toBe(OLD_WELDER_PATTERN.test(s));
    }
  });

  it('is a type letter and 21 Crockford base32 characters; welder codes are the W ones', () => {
    expect(IDENTITY_CODE_LENGTH).toBe(22);
    for (const c of CROCKFORD_ALPHABET) expect(IDENTITY_CODE_PATTERN.test(`M${c.repeat(21)}`)).toBe(true);
    for (const s of samples)
      expect(WELDER_CODE_PATTERN.test(s)).toBe(IDENTITY_CODE_PATTERN.test(s) && s.startsWith('W'));
    expect(extractWelderCode('m0zk3x7q9t2bc8n4hj6v5r')).toBeNull();
    expect(extractWelderCode(' w0zk3x7q9t2bc8n4hj6v5r ')).toBe('W0ZK3X7Q9T2BC8N4HJ6V5R');
  });
});
