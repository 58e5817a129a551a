import { expiryThreshold } from './certificate-expiry.scanner';

describe('expiryThreshold', () => {
  it.each([
    [91, null],
    [90, 90],
    [61, 90],
    [60, 60],
    [31, 60],
    [30, 30],
    [8, 30],
    [7, 7],
    [1, 7],
  ])('%i days left -> %p', (daysLeft, expected) => {
    expect(expiryThreshold(daysLeft)).toBe(expected);
  });
});
