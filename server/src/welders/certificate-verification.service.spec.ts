import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { FakeClock } from '../common/clock/clock';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Role } from '../common/roles/role';
import { CertificateSubOperation, CertificateVerification, VerificationSource } from './certificate.entity';
import { CertificateVerificationService } from './certificate-verification.service';
import {
  NotConnectedOfficialSource,
  OfficialCertificateAnswer,
  OfficialCertificateQuery,
  OfficialCertificateSource,
} from './official-certificate-source';

/** A stand-in for a real connector: answers from a table, or fails like an unreachable service. */
class FakeOfficialSource implements OfficialCertificateSource {
  readonly connected = true;
  readonly asked: OfficialCertificateQuery[] = [];
  constructor(private readonly answer: OfficialCertificateAnswer | Error) {}
  async lookup(q: OfficialCertificateQuery): Promise<OfficialCertificateAnswer> {
    this.asked.push(q);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

const NOW = new Date('2026-01-05T08:00:00Z');
const employer = Object.assign(new Enterprise(), { id: 'e1', regionPath: '/411426/411426100/' });
const enterprise: Actor = { userId: 'u1', username: 'hengda.admin', role: Role.EnterpriseAdmin, enterpriseId: 'e1' };
const huiting: Actor = {
  userId: 'u2',
  username: 'huiting.regulator',
  role: Role.Regulator,
  regionPath: '/411426/411426100/',
};
const matou: Actor = {
  userId: 'u3',
  username: 'matou.regulator',
  role: Role.Regulator,
  regionPath: '/411426/411426101/',
};
const entry = {
  idNumber: '411426199306110051',
  subOperation: CertificateSubOperation.FusionWeldingAndThermalCutting,
  issuedOn: '2024-05-10',
};

const service = (source: OfficialCertificateSource) =>
  new CertificateVerificationService(
    null as never,
    null as never,
    new AccessPolicy(),
    null as never,
    null as never,
    new FakeClock(NOW),
    source,
  );

describe('CertificateVerificationService.onEntry', () => {
  it('leaves an enterprise entry unverified while no official source is connected', async () => {
    expect(await service(new NotConnectedOfficialSource()).onEntry(enterprise, employer, entry)).toEqual({
      verification: CertificateVerification.Unverified,
      verificationSource: null,
      verifiedBy: null,
      verifiedAt: null,
      verificationNote: null,
    });
  });

  it('verifies against a connected official source, and rejects what it contradicts', async () => {
    const confirming = new FakeOfficialSource({ outcome: 'confirmed', detail: '查询结果一致' });
    expect(await service(confirming).onEntry(enterprise, employer, entry)).toEqual({
      verification: CertificateVerification.Verified,
      verificationSource: VerificationSource.OfficialSource,
      verifiedBy: null,
      verifiedAt: NOW,
      verificationNote: '查询结果一致',
    });
    expect(confirming.asked).toEqual([entry]);
    expect(
      await service(new FakeOfficialSource({ outcome: 'contradicted', detail: '无此证书' })).onEntry(
        enterprise,
        employer,
        entry,
      ),
    ).toMatchObject({
      verification: CertificateVerification.Rejected,
      verificationSource: VerificationSource.OfficialSource,
      verificationNote: '无此证书',
    });
  });

  it('fails closed when the source throws or says it is not connected', async () => {
    expect(
      (await service(new FakeOfficialSource(new Error('timeout'))).onEntry(enterprise, employer, entry)).verification,
    ).toBe(CertificateVerification.Unverified);
    expect(
      (await service(new FakeOfficialSource({ outcome: 'not_connected' })).onEntry(enterprise, employer, entry))
        .verification,
    ).toBe(CertificateVerification.Unverified);
  });

  it("counts a regulator's own entry as verified only inside the employer's region", async () => {
    const source = new FakeOfficialSource({ outcome: 'contradicted', detail: 'x' });
    expect(await service(source).onEntry(huiting, employer, entry)).toEqual({
      verification: CertificateVerification.Verified,
      verificationSource: VerificationSource.Regulator,
      verifiedBy: 'u2',
      verifiedAt: NOW,
      verificationNote: null,
    });
    expect(source.asked).toEqual([]);
    expect((await service(new NotConnectedOfficialSource()).onEntry(matou, employer, entry)).verification).toBe(
      CertificateVerification.Unverified,
    );
  });
});
