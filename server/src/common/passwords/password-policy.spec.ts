import { DEMO_PASSWORD } from '../../seed/demo-data';
import { checkPassword, isCommonPassword } from './password-policy';

describe('checkPassword', () => {
  it('accepts a long password with three character classes', () => {
    expect(checkPassword('Hanjie-2026x', { username: 'hengda.admin' })).toEqual([]);
    // The README's demo password stays valid.
    expect(checkPassword(DEMO_PASSWORD, { username: 'xiayi.regulator' })).toEqual([]);
  });
  it('names every rule a password breaks', () => {
    expect(checkPassword('abc')).toEqual(['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_FEW_CLASSES']);
    expect(checkPassword('Xhengda.admin9', { username: 'Hengda.Admin' })).toEqual(['PASSWORD_CONTAINS_USERNAME']);
    expect(checkPassword('Password123!')).toEqual(['PASSWORD_TOO_COMMON']);
    expect(checkPassword('x'.repeat(129) + 'A1')).toContain('PASSWORD_TOO_LONG');
  });
  it('refuses breached common passwords, also lightly dressed up', () => {
    for (const p of ['Qwerty123456', 'P@ssw0rd2026', 'Summer2026!!', 'Iloveyou#2026', 'Admin@123456', 'Woaini1314!'])
      expect([p, isCommonPassword(p)]).toEqual([p, true]);
    for (const p of ['Hanjie-2026x', 'Xiayi#Weld77', 'Tq8!mZr2Lp'])
      expect([p, isCommonPassword(p)]).toEqual([p, false]);
  });
});
