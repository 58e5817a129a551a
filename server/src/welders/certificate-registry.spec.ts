import { FakeClock } from '../common/clock/clock';
import { chinaDayStart } from '../common/time/china-date';
import {
  Certificate,
  CertificateCategory,
  CertificateSource,
  CertificateStatus,
  CertificateSubOperation,
  CertificateVerification,
} from './certificate.entity';
import { certificateDatesAfterReview } from './certificate-rules';
import { CertificateRecords } from './certificates.repository';
import { decideCertificateCheck, ImportedCertificateRegistry } from './certificate-registry';
import { WelderStatus } from './welder.entity';

const WELDER = '6f1c2a9e-5d0b-4c1e-9a51-1b2c3d4e5f60';

function cert(id: string, issuedOn: string, over: Partial<Certificate> = {}): Certificate {
  return Object.assign(new Certificate(), {
    id,
    welderId: WELDER,
    category: CertificateCategory.WeldingAndThermalCutting,
    subOperation: CertificateSubOperation.FusionWeldingAndThermalCutting,
    issuedOn,
    ...certificateDatesAfterReview(issuedOn, null),
    lastReviewedOn: null,
    issuingAuthority: null,
    status: CertificateStatus.Valid,
    source: CertificateSource.Import,
    verification: CertificateVerification.Verified,
    ...over,
  });
}

class FakeRecords implements CertificateRecords {
  constructor(
    public status: WelderStatus | null,
    public certs: Certificate[],
  ) {}
  async findWelderStatus(): Promise<WelderStatus | null> {
    return this.status;
  }
  async findWeldingCertificates(_: string, sub?: CertificateSubOperation): Promise<Certificate[]> {
    return this.certs.filter((c) => !sub || c.subOperation === sub);
  }
}

describe('ImportedCertificateRegistry', () => {
  // Issued 2023-06-01: review due 2026-06-01, expires 2029-06-01.
  const clock = new FakeClock(new Date('2026-01-05T08:00:00Z'));
  beforeEach(() => clock.set('2026-01-05T08:00:00Z'));

  it('accepts a welder with a valid certificate and says which one', async () => {
    const reg = new ImportedCertificateRegistry(new FakeRecords(WelderStatus.Active, [cert('a', '2023-06-01')]));
    await expect(reg.checkWelder(WELDER, clock.now())).resolves.toEqual({
      valid: true,
      reason: 'valid',
      certificateId: 'a',
      expiresOn: '2029-06-01',
      reviewDueOn: '2026-06-01',
    });
  });

  it('fails closed: unknown welder, malformed id, inactive welder, no certificate', async () => {
    expect(await new ImportedCertificateRegistry(new FakeRecords(null, [])).checkWelder(WELDER, clock.now())).toEqual({
      valid: false,
      reason: 'no_certificate',
    });
    expect(
      await new ImportedCertificateRegistry(
        new FakeRecords(WelderStatus.Active, [cert('a', '2023-06-01')]),
      ).checkWelder('not-a-uuid', clock.now()),
    ).toEqual({ valid: false, reason: 'no_certificate' });
    expect(
      await new ImportedCertificateRegistry(
        new FakeRecords(WelderStatus.Inactive, [cert('a', '2023-06-01')]),
      ).checkWelder(WELDER, clock.now()),
    ).toEqual({ valid: false, reason: 'welder_inactive' });
    expect(
      await new ImportedCertificateRegistry(new FakeRecords(WelderStatus.Active, [])).checkWelder(WELDER, clock.now()),
    ).toEqual({ valid: false, reason: 'no_certificate' });
  });

  it('prefers a valid certificate over expired or revoked ones, then the latest expiry', async () => {
    const reg = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('old', '2018-01-01'),
        cert('revoked', '2024-01-01', { status: CertificateStatus.Revoked }),
        cert('a', '2023-06-01'),
        cert('b', '2023-09-01'),
      ]),
    );
    expect((await reg.checkWelder(WELDER, clock.now())).certificateId).toBe('b');
    const none = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('old', '2018-01-01'),
        cert('revoked', '2024-01-01', { status: CertificateStatus.Revoked }),
      ]),
    );
    expect(await none.checkWelder(WELDER, clock.now())).toMatchObject({
      valid: false,
      reason: 'expired',
      certificateId: 'old',
    });
  });

  it('ignores an unverified or rejected record: the welder cannot work on it, and is told why', async () => {
    const unverified = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('new', '2024-06-01', { verification: CertificateVerification.Unverified }),
        cert('old', '2018-01-01'),
      ]),
    );
    expect(await unverified.checkWelder(WELDER, clock.now())).toMatchObject({
      valid: false,
      reason: 'unverified',
      certificateId: 'new',
    });
    const rejected = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('x', '2024-06-01', { verification: CertificateVerification.Rejected }),
      ]),
    );
    expect(await rejected.checkWelder(WELDER, clock.now())).toMatchObject({ valid: false, reason: 'unverified' });
    // A verified record still wins over an unverified newer one.
    const both = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('new', '2024-06-01', { verification: CertificateVerification.Unverified }),
        cert('a', '2023-06-01'),
      ]),
    );
    expect(await both.checkWelder(WELDER, clock.now())).toMatchObject({ valid: true, certificateId: 'a' });
  });

  it('filters by sub-operation', async () => {
    const reg = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('a', '2023-06-01', { subOperation: CertificateSubOperation.Brazing }),
      ]),
    );
    expect((await reg.checkWelder(WELDER, clock.now(), { subOperation: CertificateSubOperation.Brazing })).valid).toBe(
      true,
    );
    expect(
      await reg.checkWelder(WELDER, clock.now(), { subOperation: CertificateSubOperation.PressureWelding }),
    ).toEqual({ valid: false, reason: 'no_certificate' });
  });

  it('with `until`, needs validity for the whole window: ending a minute before expiry passes, a minute after fails', async () => {
    const reg = new ImportedCertificateRegistry(
      new FakeRecords(WelderStatus.Active, [
        cert('a', '2023-06-01', { reviewDueOn: '2029-06-01', lastReviewedOn: '2026-05-01' }),
      ]),
    );
    const expiry = chinaDayStart('2029-06-01');
    clock.set(new Date(expiry.getTime() - 8 * 3600_000));
    expect((await reg.checkWelder(WELDER, clock.now(), { until: new Date(expiry.getTime() - 60_000) })).valid).toBe(
      true,
    );
    expect(await reg.checkWelder(WELDER, clock.now(), { until: new Date(expiry.getTime() + 60_000) })).toMatchObject({
      valid: false,
      reason: 'expired',
    });
    // Without a window only the instant counts.
    expect((await reg.checkWelder(WELDER, clock.now())).valid).toBe(true);
  });

  it('a review falling due inside the window makes the window invalid', async () => {
    const reg = new ImportedCertificateRegistry(new FakeRecords(WelderStatus.Active, [cert('a', '2023-06-01')]));
    clock.set(new Date(chinaDayStart('2026-06-01').getTime() + 20 * 3600_000)); // evening of the due day
    expect((await reg.checkWelder(WELDER, clock.now())).valid).toBe(true);
    expect(
      await reg.checkWelder(WELDER, clock.now(), { until: new Date(clock.now().getTime() + 8 * 3600_000) }),
    ).toMatchObject({ valid: false, reason: 'review_overdue' });
  });

  it('refuses nonsense windows instead of guessing', () => {
    const at = clock.now();
    expect(() => decideCertificateCheck(WelderStatus.Active, [], at, { until: new Date(at.getTime() - 1) })).toThrow(
      RangeError,
    );
    expect(() => decideCertificateCheck(WelderStatus.Active, [], new Date('nope'))).toThrow(RangeError);
  });
});

describe('certificateDatesAfterReview', () => {
  it('advances the review due date only for a review done in or after its window', () => {
    expect(certificateDatesAfterReview('2023-06-01', null)).toEqual({
      expiresOn: '2029-06-01',
      reviewDueOn: '2026-06-01',
    });
    expect(certificateDatesAfterReview('2023-06-01', '2026-04-01').reviewDueOn).toBe('2026-06-01'); // 61 days early: not a 复审 of this due date
    expect(certificateDatesAfterReview('2023-06-01', '2026-04-02').reviewDueOn).toBe('2029-06-01');
    expect(certificateDatesAfterReview('2023-06-01', '2026-08-01').reviewDueOn).toBe('2029-06-01');
  });
});
