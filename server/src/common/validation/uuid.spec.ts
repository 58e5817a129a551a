import { DomainError } from '../errors/domain-error';
import { isUuid, uuidParam } from './uuid';

// Accepted: any version in the 8-4-4-4-12 hex form, either case (what the former copies all accepted).
const ACCEPTED = [
  '8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0c', // v4
  '8B2C6A1E-0F4D-4E7A-9C3B-5D6E7F8A9B0C',
  '00000000-0000-0000-0000-000000000000',
  '8b2c6a1e-0f4d-9e7a-0c3b-5d6e7f8a9b0c', // no RFC version or variant: still a uuid column value
];
// Refused, among them forms PostgreSQL itself would parse, and the 36-character hex-and-dash shape two
// copies used to let through to a query.
const REFUSED: unknown[] = [
  '',
  '8b2c6a1e0f4d4e7a9c3b5d6e7f8a9b0c',
  '{8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0c}',
  '8b2c6a1e-0f4d4e7a-9c3b-5d6e-7f8a9b0c',
  '------------------------------------',
  '8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0g',
  ' 8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0c',
  '8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0c\n',
  null,
  undefined,
  42,
  { toString: () => '8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0c' },
];

describe('the one UUID check', () => {
  it.each(ACCEPTED)('accepts %s', (v) => expect(isUuid(v)).toBe(true));
  it.each(REFUSED.map((v) => [String(v), v]))('refuses %j', (_label, v) => expect(isUuid(v)).toBe(false));

  it('uuidParam accepts exactly what isUuid accepts, and answers the rest with a field error', async () => {
    const pipe = uuidParam('photoId');
    const meta = { type: 'param' as const, data: 'photoId' };
    for (const v of ACCEPTED) await expect(pipe.transform(v, meta)).resolves.toBe(v);
    for (const v of REFUSED.filter((x): x is string => typeof x === 'string')) {
      const err = await pipe.transform(v, meta).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).fields).toEqual([
        { field: 'photoId', code: 'isUuid', message: 'photoId must be a UUID' },
      ]);
    }
  });
});
