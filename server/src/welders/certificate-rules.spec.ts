import { chinaDayStart } from '../common/time/china-date';
import { CertificateStatus, CertificateVerification } from './certificate.entity';
import {
  certificateValidityAt,
  certificateValidThroughout,
  initialCertificateDates,
  nextReviewDue,
} from './certificate-rules';

describe('certificate rules', () => {
  const dates = initialCertificateDates('2022-03-01');
  const cert = {
    status: CertificateStatus.Valid,
    issuedOn: '2022-03-01',
    ...dates,
    verification: CertificateVerification.Verified,
  };

  it('is valid 6 years with a review every 3', () => {
    expect(dates).toEqual({ expiresOn: '2028-03-01', reviewDueOn: '2025-03-01' });
    expect(nextReviewDue('2025-03-01', '2028-03-01')).toBe('2028-03-01');
    expect(initialCertificateDates('2024-02-29').expiresOn).toBe('2030-02-28');
  });

  it('is overdue for review from the day after the due date (China time)', () => {
    const lastMinuteOfDueDay = new Date(chinaDayStart('2025-03-02').getTime() - 60_000);
    expect(certificateValidityAt(cert, lastMinuteOfDueDay)).toBe('valid');
    expect(certificateValidityAt(cert, chinaDayStart('2025-03-02'))).toBe('review_overdue');
  });

  it('expires at the start of the expiry date', () => {
    const reviewed = { ...cert, reviewDueOn: '2028-03-01' };
    expect(certificateValidityAt(reviewed, new Date(chinaDayStart('2028-03-01').getTime() - 1))).toBe('valid');
    expect(certificateValidityAt(reviewed, chinaDayStart('2028-03-01'))).toBe('expired');
  });

  it('checks a whole window, e.g. one that outlives the certificate by a minute', () => {
    const reviewed = { ...cert, reviewDueOn: '2028-03-01' };
    const end = chinaDayStart('2028-03-01');
    expect(
      certificateValidThroughout(reviewed, new Date(end.getTime() - 8 * 3600_000), new Date(end.getTime() - 60_000)),
    ).toBe('valid');
    expect(
      certificateValidThroughout(reviewed, new Date(end.getTime() - 8 * 3600_000), new Date(end.getTime() + 60_000)),
    ).toBe('expired');
  });

  it('counts only a verified record: an unverified or rejected one reports unverified, a lapsed one its lapse', () => {
    const at = chinaDayStart('2023-01-01');
    expect(certificateValidityAt({ ...cert, verification: CertificateVerification.Unverified }, at)).toBe('unverified');
    expect(certificateValidityAt({ ...cert, verification: CertificateVerification.Rejected }, at)).toBe('unverified');
    // A record read without the field (an old query, a partial json) fails closed.
    expect(certificateValidityAt({ ...cert, verification: undefined as unknown as CertificateVerification }, at)).toBe(
      'unverified',
    );
    expect(
      certificateValidityAt({ ...cert, verification: CertificateVerification.Unverified }, chinaDayStart('2028-03-01')),
    ).toBe('expired');
    expect(
      certificateValidityAt(
        { ...cert, verification: CertificateVerification.Unverified, status: CertificateStatus.Revoked },
        at,
      ),
    ).toBe('revoked');
    expect(
      certificateValidThroughout(
        { ...cert, verification: CertificateVerification.Unverified },
        at,
        chinaDayStart('2023-02-01'),
      ),
    ).toBe('unverified');
  });

  it('honours suspension and revocation before dates', () => {
    expect(certificateValidityAt({ ...cert, status: CertificateStatus.Revoked }, chinaDayStart('2023-01-01'))).toBe(
      'revoked',
    );
    expect(certificateValidityAt({ ...cert, status: CertificateStatus.Suspended }, chinaDayStart('2023-01-01'))).toBe(
      'suspended',
    );
    expect(certificateValidityAt(cert, chinaDayStart('2022-02-28'))).toBe('not_yet_valid');
  });
});
