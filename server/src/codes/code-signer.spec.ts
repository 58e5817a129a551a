import { randomBytes } from 'node:crypto';
import { CODE_LENGTH, CodeSigner } from './code-signer';
import { CodeSubjectType } from './identity-code.entity';

describe('CodeSigner', () => {
  const signer = new CodeSigner(randomBytes(32));

  it('generates short unique codes that verify', () => {
    const a = signer.generate(CodeSubjectType.Machine);
    const b = signer.generate(CodeSubjectType.Welder);
    expect(a).toHaveLength(CODE_LENGTH);
    expect(a).toMatch(/^M/);
    expect(b).toMatch(/^W/);
    expect(a).not.toBe(signer.generate(CodeSubjectType.Machine));
    expect(signer.check(a)).toEqual({ ok: true, subjectType: CodeSubjectType.Machine });
    expect(signer.check(b.toLowerCase())).toEqual({ ok: true, subjectType: CodeSubjectType.Welder });
  });

  it('recognises altered and foreign codes as forged', () => {
    const code = signer.generate(CodeSubjectType.Machine);
    const altered = code.slice(0, 5) + (code[5] === '0' ? '1' : '0') + code.slice(6);
    expect(signer.check(altered)).toEqual({ ok: false, reason: 'forged' });
    expect(signer.check('W' + code.slice(1))).toEqual({ ok: false, reason: 'forged' });
    expect(new CodeSigner(randomBytes(32)).check(code)).toEqual({ ok: false, reason: 'forged' });
  });

  it('still verifies codes printed before the alphabet and base32 moved to the protocol', () => {
    // Tags computed with the server's former own base32, for a fixed key: printed labels stay valid.
    const fixed = new CodeSigner(Buffer.alloc(32, 7));
    expect(fixed.check('M0ZK3X7Q9T2BC80HSJQYH1')).toEqual({ ok: true, subjectType: CodeSubjectType.Machine });
    expect(fixed.check('WZZZZZZZZZZZZZSRXY84BX')).toEqual({ ok: true, subjectType: CodeSubjectType.Welder });
    expect(fixed.check('M0000000000000WDB5FW8T')).toEqual({ ok: true, subjectType: CodeSubjectType.Machine });
  });

  it('rejects malformed input', () => {
    for (const bad of ['', 'M123', 'X'.repeat(CODE_LENGTH), 'MIIIIIIIIIIIIIIIIIIIII', '../etc/passwd']) {
      expect(signer.check(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
