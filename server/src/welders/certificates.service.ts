import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { MAX_IMAGE_BYTES, sniffImageType, UploadedImage } from '../common/http/image-files';
import { CertificatePhoto } from './certificate-photo.entity';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { type AuditAction, AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Role } from '../common/roles/role';
import { FieldCipher } from '../common/crypto/field-cipher';
import { Certificate, CertificateCategory, CertificateSource, CertificateStatus } from './certificate.entity';
import { CertificateVerificationService } from './certificate-verification.service';
import { certificateDatesAfterReview, nextReviewDue, reviewWindowOpensOn } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';
import { ChangeCertificateStatusDto } from './dto/change-certificate-status.dto';
import { CreateCertificateDto } from './dto/create-certificate.dto';
import { WelderAccess, WelderInScope } from './welder-access';
import { certificateAuditSnapshot, CertificateView, certificateView } from './welder-views';

/** Rules on the dates of a certificate record; each failure names its field. Shared with the import. */
export function certificateDateProblems(
  issuedOn: string,
  lastReviewedOn: string | null | undefined,
  today: string,
): { field: string; code: string; message: string }[] {
  const out: { field: string; code: string; message: string }[] = [];
  if (issuedOn > today)
    out.push({ field: 'issuedOn', code: 'inFuture', message: 'issuedOn must not be in the future' });
  if (lastReviewedOn && lastReviewedOn < issuedOn)
    out.push({ field: 'lastReviewedOn', code: 'beforeIssue', message: 'lastReviewedOn must not be before issuedOn' });
  if (lastReviewedOn && lastReviewedOn > today)
    out.push({ field: 'lastReviewedOn', code: 'inFuture', message: 'lastReviewedOn must not be in the future' });
  return out;
}

/** Allowed status changes; revocation is final. */
const TRANSITIONS: Record<CertificateStatus, CertificateStatus[]> = {
  [CertificateStatus.Valid]: [CertificateStatus.Suspended, CertificateStatus.Revoked],
  [CertificateStatus.Suspended]: [CertificateStatus.Valid, CertificateStatus.Revoked],
  [CertificateStatus.Revoked]: [],
};

@Injectable()
export class CertificatesService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: WelderAccess,
    private readonly certificates: CertificatesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly verification: CertificateVerificationService,
    private readonly cipher: FieldCipher,
  ) {}

  /**
   * A certificate entered by hand by the employer; expiry and review dates follow from the rules.
   * It waits for verification (regulator, or the official register once connected) before it counts.
   */
  addManual(actor: Actor, welderId: string, dto: CreateCertificateDto): Promise<CertificateView> {
    return this.ds.transaction(async (em) => {
      const scope = await this.access.findVisible(actor, welderId, em, true);
      if (!this.access.canManage(actor, scope)) {
        throw new DomainError(ErrorCode.FORBIDDEN, "Only the welder's employer may enter a certificate for them", [
          {
            field: 'id',
            code: 'notEmployer',
            message:
              "the welder is not employed by your enterprise (a dispatched welder's certificate is entered by the employer)",
          },
        ]);
      }
      const problems = certificateDateProblems(dto.issuedOn, dto.lastReviewedOn, this.access.today());
      if (problems.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, problems[0].message, problems);
      if (await this.certificates.findByNaturalKey(em, welderId, dto.subOperation, dto.issuedOn)) {
        throw new DomainError(ErrorCode.DUPLICATE, 'This certificate is already recorded', [
          {
            field: 'issuedOn',
            code: 'duplicate',
            message: 'a certificate of this sub-operation issued that day exists',
          },
        ]);
      }
      const c = await this.certificates.insert(em, {
        welderId,
        category: CertificateCategory.WeldingAndThermalCutting,
        subOperation: dto.subOperation,
        issuedOn: dto.issuedOn,
        ...certificateDatesAfterReview(dto.issuedOn, dto.lastReviewedOn),
        lastReviewedOn: dto.lastReviewedOn ?? null,
        issuingAuthority: dto.issuingAuthority ?? null,
        status: CertificateStatus.Valid,
        source: CertificateSource.Manual,
        ...(await this.verification.onEntry(actor, scope.employer, {
          idNumber: this.cipher.decrypt(scope.welder.idNumberEnc),
          subOperation: dto.subOperation,
          issuedOn: dto.issuedOn,
        })),
      });
      await this.record(em, actor, scope, 'certificate.create', c, null);
      return certificateView(c, scope.welder.idNumberMasked, this.clock.now());
    });
  }

  /** One certificate, to whoever may see its holder; anyone else gets 404, as for the welder. */
  async get(actor: Actor, certificateId: string): Promise<CertificateView> {
    const cert = await this.certificates.findById(certificateId);
    if (!cert) throw DomainError.notFound('Certificate');
    const scope = await this.visibleHolder(actor, cert.welderId);
    return certificateView(
      cert,
      scope.welder.idNumberMasked,
      this.clock.now(),
      (await this.certificates.withPhoto([cert.id])).has(cert.id),
    );
  }

  /**
   * The photo of the certificate, for the regulator who verifies the record: uploaded by the employer or
   * a regulator of the area, replacing an earlier one. It is evidence only: it changes no verification.
   */
  uploadPhoto(actor: Actor, certificateId: string, file: UploadedImage | undefined): Promise<CertificateView> {
    if (!file || !file.buffer?.length)
      throw DomainError.invalid('file', 'required', 'A photo file is required (multipart field "file")');
    if (file.size > MAX_IMAGE_BYTES)
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'A photo may be at most 5 MB', [
        { field: 'file', code: 'tooLarge', message: 'at most 5 MB' },
      ]);
    const contentType = sniffImageType(file.buffer);
    if (!contentType)
      throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Only JPEG and PNG photos are accepted', [
        { field: 'file', code: 'unsupportedType', message: 'not a JPEG or PNG image' },
      ]);
    return this.ds.transaction(async (em) => {
      const { cert, scope } = await this.loadForUpdate(em, actor, certificateId);
      if (
        !this.access.canManage(actor, scope) &&
        !(actor.role === Role.Regulator && this.access.mayEnterCertificate(actor, scope.employer))
      ) {
        throw new DomainError(
          ErrorCode.FORBIDDEN,
          "Only the welder's employer or a regulator of the area may add the certificate's photo",
          [{ field: 'id', code: 'notEmployer', message: 'not the employer of the holder' }],
        );
      }
      const photo = Object.assign(new CertificatePhoto(), {
        certificateId: cert.id,
        contentType,
        sizeBytes: file.buffer.length,
        sha256: createHash('sha256').update(file.buffer).digest('hex'),
        data: file.buffer,
        uploadedBy: actor.userId,
        uploadedAt: this.clock.now(),
      });
      await this.certificates.savePhoto(em, photo);
      await this.audit.record(em, actor, {
        action: 'certificate.photo',
        entityType: 'certificate',
        entityId: cert.id,
        enterpriseId: scope.employer.id,
        regionPath: scope.employer.regionPath,
        after: { contentType, sizeBytes: photo.sizeBytes, sha256: photo.sha256 },
      });
      return certificateView(cert, scope.welder.idNumberMasked, this.clock.now(), true);
    });
  }

  /** The certificate's photo, to whoever may see the certificate. */
  async photo(actor: Actor, certificateId: string): Promise<CertificatePhoto> {
    const cert = await this.certificates.findById(certificateId);
    if (!cert) throw DomainError.notFound('Certificate');
    await this.visibleHolder(actor, cert.welderId);
    const photo = await this.certificates.findPhotoWithData(cert.id);
    if (!photo) throw DomainError.notFound('Certificate photo');
    return photo;
  }

  /**
   * 复审: allowed from 60 days before the due date to the due date itself. Earlier is refused; later
   * too, because an overdue certificate has lapsed (安监总局令第30号) and needs a new examination.
   */
  review(actor: Actor, certificateId: string): Promise<CertificateView> {
    return this.ds.transaction(async (em) => {
      const { cert, scope } = await this.loadForUpdate(em, actor, certificateId);
      // The employer records the review; a regulator of the area may too.
      if (!this.access.canManage(actor, scope)) this.access.assertRegulable(actor, scope);
      const today = this.access.today();
      if (cert.status !== CertificateStatus.Valid)
        throw new DomainError(ErrorCode.INVALID_STATE, `A ${cert.status} certificate cannot be reviewed`);
      if (today >= cert.expiresOn)
        throw new DomainError(
          ErrorCode.INVALID_STATE,
          `The certificate expired on ${cert.expiresOn}; it must be renewed, not reviewed`,
        );
      if (cert.reviewDueOn >= cert.expiresOn)
        throw new DomainError(
          ErrorCode.INVALID_STATE,
          `No review is left before the certificate expires on ${cert.expiresOn}; it must be renewed`,
        );
      const opensOn = reviewWindowOpensOn(cert.reviewDueOn);
      if (today < opensOn) {
        throw new DomainError(
          ErrorCode.INVALID_STATE,
          `Too early for the review: the window opens on ${opensOn}, 60 days before the review due on ${cert.reviewDueOn}`,
          [],
          { opensOn, reviewDueOn: cert.reviewDueOn },
        );
      }
      if (today > cert.reviewDueOn) {
        throw new DomainError(
          ErrorCode.INVALID_STATE,
          `The review was due on ${cert.reviewDueOn}; the certificate has lapsed and the holder must be examined again`,
          [],
          { reviewDueOn: cert.reviewDueOn },
        );
      }
      const before = certificateAuditSnapshot(cert, scope.welder.idNumberMasked);
      cert.lastReviewedOn = today;
      cert.reviewDueOn = nextReviewDue(cert.reviewDueOn, cert.expiresOn);
      // A review moves the date the certificate lapses, so the employer's word alone must not extend it:
      // the record goes back to the verification it would get as a new entry (a regulator's review stays verified).
      Object.assign(
        cert,
        await this.verification.onEntry(actor, scope.employer, {
          idNumber: this.cipher.decrypt(scope.welder.idNumberEnc),
          subOperation: cert.subOperation,
          issuedOn: cert.issuedOn,
        }),
      );
      const saved = await this.certificates.save(em, cert);
      await this.record(em, actor, scope, 'certificate.review', saved, before);
      return certificateView(saved, scope.welder.idNumberMasked, this.clock.now());
    });
  }

  /** Suspension, revocation and reinstatement are regulatory acts. */
  changeStatus(actor: Actor, certificateId: string, dto: ChangeCertificateStatusDto): Promise<CertificateView> {
    return this.ds.transaction(async (em) => {
      const { cert, scope } = await this.loadForUpdate(em, actor, certificateId);
      this.access.assertRegulable(actor, scope);
      if (!TRANSITIONS[cert.status].includes(dto.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `A ${cert.status} certificate cannot become ${dto.status}`, [
          { field: 'status', code: 'invalidTransition', message: `not allowed from ${cert.status}` },
        ]);
      }
      const before = certificateAuditSnapshot(cert, scope.welder.idNumberMasked);
      cert.status = dto.status;
      const saved = await this.certificates.save(em, cert);
      await this.record(em, actor, scope, 'certificate.status', saved, before, { reason: dto.reason });
      return certificateView(saved, scope.welder.idNumberMasked, this.clock.now());
    });
  }

  private async loadForUpdate(
    em: EntityManager,
    actor: Actor,
    certificateId: string,
  ): Promise<{ cert: Certificate; scope: WelderInScope }> {
    const cert = await this.certificates.findByIdForUpdate(em, certificateId);
    if (!cert) throw DomainError.notFound('Certificate');
    return { cert, scope: await this.visibleHolder(actor, cert.welderId, em) };
  }

  /** The certificate's holder in the actor's scope; out of scope reads as "no such certificate". */
  private async visibleHolder(actor: Actor, welderId: string, em?: EntityManager): Promise<WelderInScope> {
    try {
      return await this.access.findVisible(actor, welderId, em);
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) throw DomainError.notFound('Certificate');
      throw e;
    }
  }

  private record(
    em: EntityManager,
    actor: Actor,
    scope: WelderInScope,
    action: AuditAction,
    c: Certificate,
    before: Record<string, unknown> | null,
    extra: Record<string, unknown> = {},
  ) {
    return this.audit.record(em, actor, {
      action,
      entityType: 'certificate',
      entityId: c.id,
      enterpriseId: scope.employer.id,
      regionPath: scope.employer.regionPath,
      before,
      after: { ...certificateAuditSnapshot(c, scope.welder.idNumberMasked), ...extra },
    });
  }
}
