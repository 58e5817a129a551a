import { checkPassword } from './password-policy';

describe('checkPassword', () => {
  it('accepts a long password with three character classes', () => {
    expect(checkPassword('Hanjie-2026x', { username: 'hengda.admin' })).toEqual([]);
  });
  it('names every rule a password breaks', () => {
    expect(checkPassword('abc')).toEqual(['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_FEW_CLASSES']);
    expect(checkPassword('Xhengda.admin9', { username: 'Hengda.Admin' })).toEqual(['PASSWORD_CONTAINS_USERNAME']);
    expect(checkPassword('Password123!')).toEqual(['PASSWORD_TOO_COMMON']);
  });
});
