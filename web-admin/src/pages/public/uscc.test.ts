import { describe, expect, it } from 'vitest';
import { isValidUscc } from './uscc';

describe('isValidUscc', () => {
  it('accepts a code with its check character, in any case, and refuses a wrong one', () => {
    // 91350100M000100Y43 is the standard's worked example
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100m000100y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(isValidUscc('91350100I000100Y43')).toBe(false);
  });
});
