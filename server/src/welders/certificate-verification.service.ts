import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Paginated, paginate } from '../common/http/pagination';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Role } from '../common/roles/role';
import {
  Certificate,
  CertificateSubOperation,
  CertificateVerification,
  VerificationSource,
} from './certificate.entity';
import { CertificatesRepository } from './certificates.repository';
import { VerificationQueueQueryDto, VerifyCertificateDto } from './dto/verify-certificate.dto';
import {
  OFFICIAL_CERTIFICATE_SOURCE,
  OfficialCertificateAnswer,
  OfficialCertificateSource,
} from './official-certificate-source';
import { WelderAccess } from './welder-access';
import { certificateAuditSnapshot, CertificateView, certificateView } from './welder-views';

export type VerificationFields = Pick<
  Certificate,
  'verification' | 'verificationSource' | 'verifiedBy' | 'verifiedAt' | 'verificationNote'
>;

export const UNVERIFIED: VerificationFields = {
  verification: CertificateVerification.Unverified,
  verificationSource: null,
  verifiedBy: null,
  verifiedAt: null,
  verificationNote: null,
};

export class VerificationQueueItem extends CertificateView {
  @ApiProperty() welderName!: string;
  @ApiProperty() employerId!: string;
  @ApiProperty() employerName!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class VerificationQueue implements Paginated<VerificationQueueItem> {
  @ApiProperty({ type: () => [VerificationQueueItem] }) items!: VerificationQueueItem[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  /** Whether entries can verify themselves against the official register; today always false. */
  @ApiProperty() officialSourceConnected!: boolean;
}

/**
 * Who may vouch for a certificate record. An enterprise entering or importing a certificate makes a
 * claim; only a regulator whose region covers the holder's employer, or the official register once a
 * connector is bound to OFFICIAL_CERTIFICATE_SOURCE, turns it into a record that lets the holder work.
 */
@Injectable()
export class CertificateVerificationService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: WelderAccess,
    private readonly policy: AccessPolicy,
    private readonly certificates: CertificatesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(OFFICIAL_CERTIFICATE_SOURCE) private readonly source: OfficialCertificateSource,
  ) {}

  /** A regulator of the employer's region vouches by entering the record; it is then verified by them. */
  isVouchingRegulator(actor: Actor, employer: Enterprise): boolean {
    return actor.role === Role.Regulator && !!actor.userId && this.policy.canReadEnterprise(actor, employer);
  }

  /**
   * The verification a record gets when it is entered, imported or changed: the regulator's own
   * entry is verified; anyone else's is checked against the official register, and waits for a
   * regulator when none is connected (or it does not answer).
   */
  async onEntry(
    actor: Actor,
    employer: Enterprise,
    cert: { idNumber: string; subOperation: CertificateSubOperation; issuedOn: string },
  ): Promise<VerificationFields> {
    const now = this.clock.now();
    if (this.isVouchingRegulator(actor, employer)) {
      return {
        verification: CertificateVerification.Verified,
        verificationSource: VerificationSource.Regulator,
        verifiedBy: actor.userId,
        verifiedAt: now,
        verificationNote: null,
      };
    }
    let answer: OfficialCertificateAnswer;
    try {
      answer = await this.source.lookup({
        idNumber: cert.idNumber,
        subOperation: cert.subOperation,
        issuedOn: cert.issuedOn,
      });
    } catch {
      // A connector that throws is a connector that did not answer: nothing gets verified by it.
      answer = { outcome: 'not_connected' };
    }
    if (answer.outcome === 'confirmed') {
      return {
        verification: CertificateVerification.Verified,
        verificationSource: VerificationSource.OfficialSource,
        verifiedBy: null,
        verifiedAt: now,
        verificationNote: answer.detail.slice(0, 500),
      };
    }
    if (answer.outcome === 'contradicted') {
      return {
        verification: CertificateVerification.Rejected,
        verificationSource: VerificationSource.OfficialSource,
        verifiedBy: null,
        verifiedAt: now,
        verificationNote: answer.detail.slice(0, 500),
      };
    }
    return { ...UNVERIFIED };
  }

  /** Certificates of welders employed in the regulator's region, by verification state, oldest first. */
  async queue(actor: Actor, q: VerificationQueueQueryDto): Promise<VerificationQueue> {
    if (actor.role !== Role.Regulator && actor.role !== Role.PlatformAdmin)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators review certificate records');
    const { rows, total } = await this.certificates.findVerificationQueue(
      actor.role === Role.Regulator ? (actor.regionPath ?? null) : '/',
      q.verification,
      q,
    );
    const now = this.clock.now();
    const photos = await this.certificates.withPhoto(rows.map((r) => r.certificate.id));
    return {
      ...paginate(
        rows.map((r) => ({
          ...certificateView(r.certificate, r.idNumberMasked, now, photos.has(r.certificate.id)),
          welderName: r.welderName,
          employerId: r.employerId,
          employerName: r.employerName,
          createdAt: r.certificate.createdAt,
        })),
        total,
        q,
      ),
      officialSourceConnected: this.source.connected,
    };
  }

  /** A regulator of the holder's employer's region verifies or rejects (with a reason) a record. */
  decide(actor: Actor, certificateId: string, dto: VerifyCertificateDto): Promise<CertificateView> {
    return this.ds.transaction(async (em) => {
      const cert = await this.certificates.findByIdForUpdate(em, certificateId);
      if (!cert) throw DomainError.notFound('Certificate');
      let scope;
      try {
        scope = await this.access.findVisible(actor, cert.welderId, em);
      } catch (e) {
        if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) throw DomainError.notFound('Certificate');
        throw e;
      }
      // Seeing the welder is not enough (a host enterprise's regulator sees dispatched welders): the employer's region decides.
      if (!this.isVouchingRegulator(actor, scope.employer)) {
        throw new DomainError(
          ErrorCode.FORBIDDEN,
          "Only a regulator of the region of the welder's employer may verify this certificate",
          [
            {
              field: 'id',
              code: actor.role === Role.Regulator ? 'outsideRegion' : 'regulatorOnly',
              message: "verification is for a regulator of the employer's region",
            },
          ],
        );
      }
      if (cert.verification === dto.decision) {
        throw new DomainError(ErrorCode.INVALID_STATE, `The certificate is already ${dto.decision}`, [
          { field: 'decision', code: 'unchanged', message: `already ${dto.decision}` },
        ]);
      }
      const before = certificateAuditSnapshot(cert, scope.welder.idNumberMasked);
      Object.assign(cert, {
        verification: dto.decision,
        verificationSource: VerificationSource.Regulator,
        verifiedBy: actor.userId,
        verifiedAt: this.clock.now(),
        verificationNote: dto.reason ?? null,
      } satisfies VerificationFields);
      const saved = await this.certificates.save(em, cert);
      await this.audit.record(em, actor, {
        action: dto.decision === CertificateVerification.Verified ? 'certificate.verify' : 'certificate.reject',
        entityType: 'certificate',
        entityId: saved.id,
        enterpriseId: scope.employer.id,
        regionPath: scope.employer.regionPath,
        before,
        after: { ...certificateAuditSnapshot(saved, scope.welder.idNumberMasked), reason: dto.reason ?? null },
      });
      return certificateView(
        saved,
        scope.welder.idNumberMasked,
        this.clock.now(),
        (await this.certificates.withPhoto([saved.id])).has(saved.id),
      );
    });
  }
}
