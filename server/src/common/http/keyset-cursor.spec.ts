import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor, isCursorBigint, isCursorInstant, isCursorText } from './keyset-cursor';

const SHAPE = { at: isCursorInstant, chip: isCursorText(64), seq: isCursorBigint };
const GOOD = { at: '2026-02-01T08:00:00.123456Z', chip: 'C0001', seq: '42' };

describe('keyset cursor', () => {
  it('reads back what it wrote', () => {
    expect(decodeCursor(SHAPE, encodeCursor(GOOD))).toEqual(GOOD);
  });

  it('refuses what PostgreSQL would refuse or misread, without throwing', () => {
    for (const at of ['2026-02-29T00:00:00.000000Z', '2026-13-01T00:00:00.000000Z', '2026-01-01T24:00:00.000000Z'])
      expect(decodeCursor(SHAPE, encodeCursor({ ...GOOD, at }))).toBeNull();
    expect(decodeCursor(SHAPE, encodeCursor({ ...GOOD, at: '2024-02-29T23:59:59.999999Z' }))).not.toBeNull();
    for (const seq of ['9223372036854775808', '1e3', '', ' 1'])
      expect(decodeCursor(SHAPE, encodeCursor({ ...GOOD, seq }))).toBeNull();
    expect(decodeCursor(SHAPE, encodeCursor({ ...GOOD, seq: '9223372036854775807' }))).not.toBeNull();
    for (const chip of ['', 'a\u0000b', '\udc00', 'x'.repeat(65)])
      expect(decodeCursor(SHAPE, encodeCursor({ ...GOOD, chip }))).toBeNull();
    for (const raw of [undefined, null, 42, {}, '', '====', 'a+b/', 'A'.repeat(401)])
      expect(decodeCursor(SHAPE, raw)).toBeNull();
  });

  it('never throws on random input', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(1 + (i % 120));
      expect(() => decodeCursor(SHAPE, bytes.toString('base64url'))).not.toThrow();
      expect(() => decodeCursor(SHAPE, bytes.toString('latin1'))).not.toThrow();
    }
  });
});
