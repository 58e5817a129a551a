import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CodeSubjects } from '../code-management/code-subjects';
import { CodesService } from '../codes/codes.service';
import { CodeStatus, CodeSubjectType, IdentityCode } from '../codes/identity-code.entity';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { maskName } from '../common/validation/identifiers';
import { redactPersonalDigits } from '../common/validation/public-text';
import { MachineStatus } from '../machines/machine.entity';
import { summariseCertificates } from './certificate-summary';
import { PublicMachineScanDto, PublicWelderScanDto } from './dto/public-scan.dto';
import { PublicScanRepository } from './public-scan.repository';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';

/** What a public scan of a revoked code says about why: replaced by a new code, machine retired, or withdrawn. */
export const REVOKED_CATEGORIES = ['reissued', 'machine_retired', 'revoked'] as const;
export type RevokedCategory = (typeof REVOKED_CATEGORIES)[number];

const REGISTERED: ReadonlySet<MachineStatus> = new Set([MachineStatus.Registered, MachineStatus.Active]);

/**
 * What anyone learns by scanning a code: whether it is genuine and valid, and a public minimum
 * about its subject. Nothing personal beyond a masked name.
 */
@Injectable()
export class PublicScanService {
  constructor(
    private readonly codes: CodesService,
    private readonly repo: CodeSubjects,
    private readonly authorisations: PublicScanRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The welder's approved photo for an anonymous scanner: only where the deployment shows photos
   * (WELDER_PHOTO_PUBLIC), only through the welder's valid code (itself unguessable and signed).
   */
  async welderPhoto(raw: string): Promise<{ contentType: string; data: Buffer }> {
    const noPhoto = () => DomainError.notFound('Photo');
    if (!this.config.welderPhotoPublic || !this.codes.signer.check(raw).ok) throw noPhoto();
    const code = await this.codes.findByCode(raw);
    if (!code || code.status !== CodeStatus.Active || code.subjectType !== CodeSubjectType.Welder) throw noPhoto();
    const photo = await this.authorisations.findApprovedWelderPhoto(code.subjectId);
    if (!photo) throw noPhoto();
    return photo;
  }

  async scan(raw: string): Promise<PublicMachineScanDto | PublicWelderScanDto> {
    const check = this.codes.signer.check(raw);
    if (!check.ok && check.reason === 'malformed')
      throw new DomainError(ErrorCode.CODE_MALFORMED, '这不是 ArcGate 二维码 (the code is malformed)');
    // The signature is checked before any look-up, so forged codes never reach the database.
    if (!check.ok)
      throw new DomainError(ErrorCode.CODE_FORGED, '二维码无效：伪造或被篡改 (the code is forged or altered)');
    const code = await this.codes.findByCode(raw);
    if (!code) throw new DomainError(ErrorCode.CODE_UNKNOWN, '二维码未登记 (the code is genuine but not registered)');
    if (code.status === CodeStatus.Revoked) {
      // A category, never the free-text reason: enterprises type names and phone numbers into it.
      throw new DomainError(ErrorCode.CODE_REVOKED, '二维码已作废 (the code has been revoked)', [], {
        subjectType: code.subjectType,
        revokedAt: code.revokedAt?.toISOString() ?? null,
        reasonCategory: await this.revokedCategory(code),
      });
    }
    return code.subjectType === CodeSubjectType.Machine ? this.machineScan(code) : this.welderScan(code);
  }

  private async machineScan(code: IdentityCode): Promise<PublicMachineScanDto> {
    const m = await this.repo.findMachineWithEnterprise(code.subjectId);
    if (!m?.enterprise) throw this.dangling();
    const registered = REGISTERED.has(m.status);
    const { permitInForce, unlockedNow } = await this.authorisations.findMachineAuthorisationAt(m.id, this.clock.now());
    // Authorised to weld now: a registered, chipped machine of an active enterprise under a permit in force.
    const authorisedNow =
      registered && m.chipId !== null && m.enterprise.status === EnterpriseStatus.Active && permitInForce;
    return {
      type: 'machine',
      code: code.code,
      valid: true,
      machine: {
        name: redactPersonalDigits(m.name),
        kind: m.kind,
        status: m.status,
        registered,
        chipBound: m.chipId !== null,
      },
      enterprise: { name: redactPersonalDigits(m.enterprise.name), status: m.enterprise.status },
      authorisation: { authorisedNow, permitInForce, unlockedNow },
    };
  }

  private async welderScan(code: IdentityCode): Promise<PublicWelderScanDto> {
    const w = await this.repo.findWelderWithEmployer(code.subjectId);
    if (!w) throw this.dangling();
    const certificates = await this.repo.findWeldingCertificates(w.id);
    return {
      type: 'welder',
      code: code.code,
      valid: true,
      welder: {
        maskedName: maskName(w.realName),
        status: w.status,
        photo: !!this.config.welderPhotoPublic && (await this.authorisations.hasApprovedWelderPhoto(w.id)),
      },
      certificate: summariseCertificates(certificates, this.clock.now()),
    };
  }

  /** Why a code no longer counts, as a category the scan page words: derived from facts, not from the typed reason. */
  private async revokedCategory(code: IdentityCode): Promise<RevokedCategory> {
    if (
      code.subjectType === CodeSubjectType.Machine &&
      (await this.repo.findMachineWithEnterprise(code.subjectId))?.status === MachineStatus.Retired
    )
      return 'machine_retired';
    return (await this.repo.hasCodeIssuedAfter(code)) ? 'reissued' : 'revoked';
  }

  /** An active code whose subject is gone: treat it as unknown rather than vouch for nothing. */
  private dangling(): DomainError {
    return new DomainError(ErrorCode.CODE_UNKNOWN, '二维码未登记 (the code is genuine but not registered)');
  }
}
