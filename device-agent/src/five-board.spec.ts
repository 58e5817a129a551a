import { isPortFailure } from './five-board';

describe('isPortFailure', () => {
  it('takes a write that failed because the cable went away for a lost link', () => {
    expect(isPortFailure(new Error('EIO: i/o error, write'))).toBe(true);
    expect(isPortFailure(Object.assign(new Error('write failed'), { code: 'ENXIO' }))).toBe(true);
    expect(isPortFailure(new Error('Port is not open'))).toBe(true);
  });

  it('leaves other board errors as errors (the agent then fails closed on them)', () => {
    expect(isPortFailure(new Error('Firmata: unexpected response'))).toBe(false);
    expect(isPortFailure(new Error('No connected device'))).toBe(false);
  });
});
