import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { MAX_PHOTO_BYTES, sniffPhotoType, UploadedPhoto } from '../common/files/photo-files';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { maskPhone } from '../common/validation/identifiers';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { EnterprisesService } from '../enterprises/enterprises.service';
import { RegionLevel } from '../regions/region.entity';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { formatTrackingCode, generateTrackingCode, normaliseTrackingCode } from '../reports/tracking-code';
import { assertPasswordPolicy } from '../common/passwords/password-policy';
import { UsersService } from '../users/users.service';
import {
  ApplicationView,
  ListApplicationsQueryDto,
  PublicRegistrationStatusView,
  RegistrationReceiptView,
  RejectApplicationDto,
  SubmitRegistrationDto,
} from './dto/registration.dto';
import { ApplicationStatus, EnterpriseApplication } from './enterprise-application.entity';
import { RegistrationsRepository } from './registrations.repository';

const PUBLIC_ACTOR: Actor = { userId: null, username: 'public', role: 'system' };
const ENTITY = 'enterprise_application';

function duplicate(field: string, code: string, message: string): DomainError {
  return new DomainError(ErrorCode.DUPLICATE, message, [{ field, code, message }]);
}

function toView(a: EnterpriseApplication): ApplicationView {
  return {
    id: a.id,
    trackingCode: formatTrackingCode(a.trackingCode),
    status: a.status,
    uscc: a.uscc,
    name: a.name,
    industry: a.industry,
    regionCode: a.regionCode,
    address: a.address,
    legalRepresentative: a.legalRepresentative,
    principalName: a.principalName,
    principalPhoneMasked: a.principalPhoneMasked,
    safetyManagerName: a.safetyManagerName,
    safetyManagerPhoneMasked: a.safetyManagerPhoneMasked,
    adminUsername: a.adminUsername,
    adminDisplayName: a.adminDisplayName,
    submittedAt: a.submittedAt,
    decidedAt: a.decidedAt,
    rejectReason: a.rejectReason,
    enterpriseId: a.enterpriseId,
  };
}

/** What the audit log keeps of an application: no phones, no password hash. */
function auditSnapshot(a: EnterpriseApplication): Record<string, unknown> {
  return {
    status: a.status,
    uscc: a.uscc,
    name: a.name,
    regionCode: a.regionCode,
    adminUsername: a.adminUsername,
    rejectReason: a.rejectReason,
    enterpriseId: a.enterpriseId,
  };
}

function checkLicence(file: UploadedPhoto | undefined): { contentType: 'image/jpeg' | 'image/png'; data: Buffer } {
  if (!file?.buffer?.length)
    throw DomainError.invalid('licence', 'isNotEmpty', 'A photo of the business licence is required');
  if (file.buffer.length > MAX_PHOTO_BYTES)
    throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'The photo may be at most 5 MB', [
      { field: 'licence', code: 'maxSize', message: 'at most 5 MB' },
    ]);
  const contentType = sniffPhotoType(file.buffer);
  if (!contentType)
    throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The photo must be a JPEG or PNG', [
      { field: 'licence', code: 'unsupportedFile', message: 'not a JPEG or PNG image' },
    ]);
  return { contentType, data: file.buffer };
}

/**
 * 企业注册 (issue 16 §1): an enterprise applies on a public form; the regulators of its township (or above)
 * approve it, which creates the enterprise (EnterprisesService) and its admin account (UsersService) in
 * one transaction, or reject it with a reason. One credit code, one enterprise: a code already registered,
 * or already in a pending application, is refused.
 */
@Injectable()
export class RegistrationsService {
  constructor(
    private readonly applications: RegistrationsRepository,
    private readonly enterprisesService: EnterprisesService,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async submit(dto: SubmitRegistrationDto, file: UploadedPhoto | undefined): Promise<RegistrationReceiptView> {
    const region = await this.regions.findByCode(dto.regionCode);
    if (!region)
      throw new DomainError(ErrorCode.REGION_UNKNOWN, `Region ${dto.regionCode} is not known`, [
        { field: 'regionCode', code: 'unknownRegion', message: 'unknown region' },
      ]);
    if (region.level !== RegionLevel.Township)
      throw DomainError.invalid('regionCode', 'notTownship', 'Pick the township the enterprise is in');
    assertPasswordPolicy(dto.adminPassword, dto.adminUsername, 'adminPassword');
    const licence = checkLicence(file);
    const passwordHash = await this.hasher.hash(dto.adminPassword);
    try {
      return await this.ds.transaction(async (em) => {
        if (await this.enterprises.findByUscc(dto.uscc, em))
          throw duplicate('uscc', 'duplicate', 'An enterprise with this credit code is already registered');
        if (await this.applications.pendingWithUscc(em, dto.uscc))
          throw duplicate('uscc', 'pendingApplication', 'An application with this credit code is awaiting review');
        if (
          (await this.users.isUsernameTaken(dto.adminUsername, em)) ||
          (await this.applications.pendingWithUsername(em, dto.adminUsername))
        )
          throw duplicate('adminUsername', 'duplicate', 'The user name is taken');
        const a = em.create(EnterpriseApplication, {
          trackingCode: generateTrackingCode(),
          status: ApplicationStatus.Pending,
          uscc: dto.uscc,
          name: dto.name,
          industry: dto.industry,
          regionCode: region.code,
          regionPath: region.path,
          address: dto.address,
          legalRepresentative: dto.legalRepresentative,
          principalName: dto.principalName,
          principalPhoneEnc: this.cipher.encrypt(dto.principalPhone),
          principalPhoneMasked: maskPhone(dto.principalPhone),
          safetyManagerName: dto.safetyManagerName,
          safetyManagerPhoneEnc: this.cipher.encrypt(dto.safetyManagerPhone),
          safetyManagerPhoneMasked: maskPhone(dto.safetyManagerPhone),
          adminUsername: dto.adminUsername,
          adminDisplayName: dto.adminDisplayName,
          adminPasswordHash: passwordHash,
          licenceContentType: licence.contentType,
          licenceSizeBytes: licence.data.length,
          licenceSha256: createHash('sha256').update(licence.data).digest('hex'),
          licenceData: licence.data,
          submittedAt: this.clock.now(),
          decidedAt: null,
          decidedBy: null,
          rejectReason: null,
          enterpriseId: null,
        });
        await em.insert(EnterpriseApplication, a);
        await this.audit.record(em, PUBLIC_ACTOR, {
          action: 'enterprise_application.submit',
          entityType: ENTITY,
          entityId: a.id,
          regionPath: a.regionPath,
          after: auditSnapshot(a),
        });
        return { trackingCode: formatTrackingCode(a.trackingCode), status: a.status };
      });
    } catch (e) {
      // Two identical submissions at once: the partial unique indexes decide, and the loser hears why.
      if (e instanceof QueryFailedError && (e as QueryFailedError & { code?: string }).code === '23505') {
        const detail = String((e as QueryFailedError & { detail?: string }).detail ?? '');
        if (detail.includes('admin_username')) throw duplicate('adminUsername', 'duplicate', 'The user name is taken');
        throw duplicate('uscc', 'pendingApplication', 'An application with this credit code is awaiting review');
      }
      throw e;
    }
  }

  async publicStatus(rawCode: string): Promise<PublicRegistrationStatusView> {
    const code = normaliseTrackingCode(rawCode);
    const a = code ? await this.applications.findByTrackingCode(code) : null;
    if (!a) throw DomainError.notFound('Application');
    return {
      trackingCode: formatTrackingCode(a.trackingCode),
      status: a.status,
      name: a.name,
      submittedAt: a.submittedAt,
      decidedAt: a.decidedAt,
      rejectReason: a.rejectReason,
      adminUsername: a.adminUsername,
    };
  }

  async list(actor: Actor, q: ListApplicationsQueryDto): Promise<Paginated<ApplicationView>> {
    const [rows, total] = await this.applications.findPage({
      regionPath: this.reviewPath(actor),
      status: q.status ?? ApplicationStatus.Pending,
      offset: offsetOf(q),
      limit: q.pageSize,
    });
    return paginate(rows.map(toView), total, q);
  }

  async get(actor: Actor, id: string): Promise<ApplicationView> {
    const a = await this.applications.findById(id);
    if (!a || !this.mayReview(actor, a)) throw DomainError.notFound('Application');
    return toView(a);
  }

  async licence(actor: Actor, id: string): Promise<{ data: Buffer; contentType: string; sizeBytes: number }> {
    const a = await this.applications.findById(id);
    if (!a || !this.mayReview(actor, a)) throw DomainError.notFound('Application');
    const l = await this.applications.findLicence(id);
    if (!l) throw DomainError.notFound('Application');
    return { data: l.licenceData, contentType: l.licenceContentType, sizeBytes: l.licenceSizeBytes };
  }

  /** Creates the enterprise and its admin account (the applicant's own password), all or nothing. */
  approve(actor: Actor, id: string): Promise<ApplicationView> {
    return this.ds.transaction(async (em) => {
      const a = await this.pendingForDecision(em, actor, id);
      const before = auditSnapshot(a);
      const enterprise = await this.enterprisesService.createInTransaction(em, actor, {
        name: a.name,
        uscc: a.uscc,
        industry: a.industry,
        regionCode: a.regionCode,
        address: a.address,
        principalName: a.principalName,
        principalPhone: this.cipher.decrypt(a.principalPhoneEnc),
      });
      await this.users.createRegisteredEnterpriseAdmin(em, actor, {
        username: a.adminUsername,
        displayName: a.adminDisplayName,
        passwordHash: a.adminPasswordHash!,
        enterpriseId: enterprise.id,
        regionPath: a.regionPath,
      });
      a.status = ApplicationStatus.Approved;
      a.enterpriseId = enterprise.id;
      a.decidedAt = this.clock.now();
      a.decidedBy = actor.userId;
      a.adminPasswordHash = null;
      const saved = await em.save(EnterpriseApplication, a);
      await this.audit.record(em, actor, {
        action: 'enterprise_application.approve',
        entityType: ENTITY,
        entityId: a.id,
        enterpriseId: enterprise.id,
        regionPath: a.regionPath,
        before,
        after: auditSnapshot(saved),
      });
      return toView(saved);
    });
  }

  reject(actor: Actor, id: string, dto: RejectApplicationDto): Promise<ApplicationView> {
    return this.ds.transaction(async (em) => {
      const a = await this.pendingForDecision(em, actor, id);
      const before = auditSnapshot(a);
      a.status = ApplicationStatus.Rejected;
      a.rejectReason = dto.reason;
      a.decidedAt = this.clock.now();
      a.decidedBy = actor.userId;
      a.adminPasswordHash = null;
      const saved = await em.save(EnterpriseApplication, a);
      await this.audit.record(em, actor, {
        action: 'enterprise_application.reject',
        entityType: ENTITY,
        entityId: a.id,
        regionPath: a.regionPath,
        before,
        after: auditSnapshot(saved),
      });
      return toView(saved);
    });
  }

  private async pendingForDecision(
    em: Parameters<RegistrationsRepository['findForDecision']>[0],
    actor: Actor,
    id: string,
  ): Promise<EnterpriseApplication> {
    const a = await this.applications.findForDecision(em, id);
    if (!a || !this.mayReview(actor, a)) throw DomainError.notFound('Application');
    if (a.status !== ApplicationStatus.Pending)
      throw new DomainError(ErrorCode.INVALID_STATE, `The application is already ${a.status}`);
    return a;
  }

  /** null: every region (platform admin). Regulators review their own subtree. */
  private reviewPath(actor: Actor): string | null {
    if (actor.role === Role.PlatformAdmin) return null;
    if (actor.role === Role.Regulator && actor.regionPath) return actor.regionPath;
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators review registrations');
  }

  private mayReview(actor: Actor, a: EnterpriseApplication): boolean {
    if (actor.role === Role.PlatformAdmin) return true;
    return actor.role === Role.Regulator && !!actor.regionPath && a.regionPath.startsWith(actor.regionPath);
  }
}
