import { CertificateStatus, CertificateVerification } from '../welders/certificate.entity';
import { summariseCertificates } from './certificate-summary';

const cert = (
  issuedOn: string,
  expiresOn: string,
  reviewDueOn: string,
  status = CertificateStatus.Valid,
  verification = CertificateVerification.Verified,
) => ({ issuedOn, expiresOn, reviewDueOn, status, verification });
const at = new Date('2026-05-01T04:00:00Z');

describe('summariseCertificates', () => {
  it('reports none without certificates', () => {
    expect(summariseCertificates([], at)).toEqual({ validToday: false, state: 'none' });
  });

  it('picks a valid certificate over expired, suspended and revoked ones', () => {
    const r = summariseCertificates(
      [
        cert('2018-01-01', '2024-01-01', '2024-01-01'),
        cert('2023-01-01', '2029-01-01', '2029-01-01', CertificateStatus.Suspended),
        cert('2022-03-01', '2028-03-01', '2028-03-01'),
        cert('2023-06-01', '2029-06-01', '2026-06-01', CertificateStatus.Revoked),
      ],
      at,
    );
    expect(r).toEqual({ validToday: true, state: 'valid', expiresOn: '2028-03-01' });
  });

  it('reports the best failing state when none is valid', () => {
    expect(
      summariseCertificates(
        [cert('2018-01-01', '2024-01-01', '2024-01-01'), cert('2022-01-01', '2028-01-01', '2025-01-01')],
        at,
      ),
    ).toEqual({ validToday: false, state: 'review_overdue', expiresOn: '2028-01-01' });
    expect(summariseCertificates([cert('2020-01-01', '2026-05-01', '2026-05-01')], at)).toEqual({
      validToday: false,
      state: 'expired',
      expiresOn: '2026-05-01',
    });
    expect(
      summariseCertificates([cert('2023-01-01', '2029-01-01', '2029-01-01', CertificateStatus.Revoked)], at).state,
    ).toBe('revoked');
  });

  it('does not vouch for an unverified certificate, whatever its dates', () => {
    expect(
      summariseCertificates(
        [cert('2022-03-01', '2028-03-01', '2028-03-01', CertificateStatus.Valid, CertificateVerification.Unverified)],
        at,
      ),
    ).toEqual({ validToday: false, state: 'unverified', expiresOn: '2028-03-01' });
    expect(
      summariseCertificates(
        [
          cert('2022-03-01', '2028-03-01', '2028-03-01', CertificateStatus.Valid, CertificateVerification.Rejected),
          cert('2021-03-01', '2027-03-01', '2027-03-01'),
        ],
        at,
      ).state,
    ).toBe('valid');
  });

  it('prefers the later expiry among equally valid certificates', () => {
    expect(
      summariseCertificates(
        [cert('2022-01-01', '2028-01-01', '2028-01-01'), cert('2024-01-01', '2030-01-01', '2027-01-01')],
        at,
      ).expiresOn,
    ).toBe('2030-01-01');
  });
});
