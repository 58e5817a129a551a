import { DomainError } from '../common/errors/domain-error';
import { checkSignature, isWholePng, MAX_SIGNATURE_BYTES } from './onsite-rules';
import { png } from '../../test-support/images';

const file = (buffer: Buffer) => ({ originalname: 's.png', mimetype: 'image/png', size: buffer.length, buffer });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return { code: (e as DomainError).code, field: (e as DomainError).fields[0]?.code };
  }
  return null;
};

describe('on-site signature (现场签字)', () => {
  it('accepts a whole PNG', () => {
    const p = png(40, 20);
    expect(isWholePng(p)).toBe(true);
    expect(checkSignature(file(p))).toBe(p);
  });

  it('refuses a missing, truncated, oversized or non-PNG signature with a field code', () => {
    expect(codeOf(() => checkSignature(undefined))).toEqual({ code: 'VALIDATION_FAILED', field: 'isNotEmpty' });
    const p = png(40, 20);
    expect(codeOf(() => checkSignature(file(p.subarray(0, p.length - 4))))).toEqual({
      code: 'UNSUPPORTED_FILE',
      field: 'notPng',
    });
    expect(codeOf(() => checkSignature(file(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))))).toEqual({
      code: 'UNSUPPORTED_FILE',
      field: 'notPng',
    });
    expect(codeOf(() => checkSignature(file(Buffer.alloc(MAX_SIGNATURE_BYTES + 1))))).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      field: 'maxSize',
    });
  });
});
