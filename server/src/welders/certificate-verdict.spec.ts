import { CertificateStatus, CertificateVerification } from './certificate.entity';
import { certificateValidityAt } from './certificate-rules';
import { bestCertificate, certificateVerdict, isWelderActive } from './certificate-verdict';
import { WelderStatus } from './welder.entity';

const at = new Date('2026-05-01T04:00:00Z');
const cert = (
  id: string,
  expiresOn: string,
  status = CertificateStatus.Valid,
  verification = CertificateVerification.Verified,
) => ({ id, issuedOn: '2020-01-01', expiresOn, reviewDueOn: expiresOn, status, verification });
const judge = (c: ReturnType<typeof cert>) => certificateValidityAt(c, at);

describe('the certificate verdict (one rule for the arm decision, the permits and the views)', () => {
  it('a valid certificate wins, then the latest expiry among equals', () => {
    expect(
      bestCertificate([cert('old', '2024-01-01'), cert('a', '2028-01-01'), cert('b', '2029-01-01')], judge)?.cert.id,
    ).toBe('b');
    expect(
      certificateVerdict([cert('r', '2031-01-01', CertificateStatus.Revoked), cert('a', '2028-01-01')], judge),
    ).toBe('valid');
  });

  it('with none valid, the one closest to usable is reported, not the one expiring last', () => {
    // The permits used to report the latest expiry here ('revoked'); the registry's rank is the rule.
    expect(
      certificateVerdict([cert('old', '2024-01-01'), cert('r', '2031-01-01', CertificateStatus.Revoked)], judge),
    ).toBe('expired');
    expect(
      certificateVerdict([cert('old', '2024-01-01'), cert('s', '2023-01-01', CertificateStatus.Suspended)], judge),
    ).toBe('suspended');
    expect(
      certificateVerdict(
        [
          cert('u', '2027-01-01', CertificateStatus.Valid, CertificateVerification.Unverified),
          cert('old', '2024-01-01'),
        ],
        judge,
      ),
    ).toBe('unverified');
  });

  it("'missing' without certificates; only an active welder may work", () => {
    expect(certificateVerdict([], judge)).toBe('missing');
    expect(isWelderActive(WelderStatus.Active)).toBe(true);
    expect(isWelderActive(WelderStatus.Inactive)).toBe(false);
    expect(isWelderActive(null)).toBe(false);
  });
});
