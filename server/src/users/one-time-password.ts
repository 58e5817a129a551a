import { randomInt } from 'node:crypto';
import { checkPassword } from '../common/passwords/password-policy';

const SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '#%+=@'];

/**
 * A one-time password for a reset: 12 characters with every character class (no look-alikes such as
 * l/1/O/0), so that it passes the password policy it is then replaced under.
 */
export function generateOneTimePassword(): string {
  for (;;) {
    const chars = SETS.map((s) => s[randomInt(s.length)]);
    const all = SETS.join('');
    while (chars.length < 12) chars.push(all[randomInt(all.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const pw = chars.join('');
    if (!checkPassword(pw).length) return pw;
  }
}
