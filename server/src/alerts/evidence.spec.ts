import { sanitizeEvidence } from './evidence';

describe('sanitizeEvidence', () => {
  it('masks ID numbers and mobiles wherever they appear, keeping other values', () => {
    const out = sanitizeEvidence({
      welderIdNumber: '41142619850312001X',
      note: '焊工 411426198503120015 电话13900001111 拒绝',
      nested: { phones: ['13837001001', 'n/a'], current: 182.5, at: new Date('2026-01-05T08:00:00Z') },
      chipId: 'CHIP-0001',
      epochMs: 1767600000000,
    });
    expect(out).toEqual({
      welderIdNumber: '4114**********001X',
      note: '焊工 4114**********0015 电话139****1111 拒绝',
      nested: { phones: ['138****1001', 'n/a'], current: 182.5, at: '2026-01-05T08:00:00.000Z' },
      chipId: 'CHIP-0001',
      epochMs: 1767600000000,
    });
  });

  it('drops secrets and leaves the input untouched', () => {
    const input = { accessToken: 'eyJ...', devicePassword: 'x', ok: true };
    expect(sanitizeEvidence(input)).toEqual({ accessToken: '[redacted]', devicePassword: '[redacted]', ok: true });
    expect(input.accessToken).toBe('eyJ...');
  });
});
