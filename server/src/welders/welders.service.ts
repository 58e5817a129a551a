import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { flattenValidationErrors } from '../common/errors/validation-error.factory';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { addDays, chinaDate } from '../common/time/china-date';
import { maskIdNumber, maskPhone } from '../common/validation/identifiers';
import { Enterprise, EnterpriseStatus } from '../enterprises/enterprise.entity';
import { Role } from '../common/roles/role';
import { CertificatesRepository } from './certificates.repository';
import { CreateWelderDto } from './dto/create-welder.dto';
import { ListWeldersQueryDto } from './dto/list-welders-query.dto';
import { UpdateWelderDto } from './dto/update-welder.dto';
import { EngagementsRepository } from './engagements.repository';
import { TrainingsRepository } from './trainings.repository';
import { WelderAccess } from './welder-access';
import {
  certificateView,
  engagementView,
  EXPIRING_SOON_DAYS,
  trainingView,
  WelderDetailView,
  WelderView,
  welderView,
} from './welder-views';
import { Welder } from './welder.entity';
import { WeldersRepository } from './welders.repository';

const DETAIL_TRAININGS = 20;

@Injectable()
export class WeldersService {
  constructor(
    private readonly ds: DataSource,
    private readonly welders: WeldersRepository,
    private readonly certificates: CertificatesRepository,
    private readonly engagements: EngagementsRepository,
    private readonly trainings: TrainingsRepository,
    private readonly access: WelderAccess,
    private readonly policy: AccessPolicy,
    private readonly cipher: FieldCipher,
    private readonly codes: CodesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(actor: Actor, dto: CreateWelderDto): Promise<WelderView> {
    return this.ds.transaction((em) => this.createInTransaction(em, actor, dto));
  }

  /**
   * Registers a welder and issues its QR code inside the caller's transaction (the xlsx importer
   * creates many in one). The DTO is validated again here because such callers bypass the HTTP pipe.
   */
  async createInTransaction(em: EntityManager, actor: Actor, dto: CreateWelderDto): Promise<WelderView> {
    const input = await validatedCreateDto(dto);
    const employer = await this.resolveEmployer(em, actor, input.employerId ?? undefined);
    const idNumberIndex = this.cipher.blindIndex(input.idNumber);
    if (await this.welders.findByIdNumberIndex(idNumberIndex, em)) {
      throw new DomainError(ErrorCode.DUPLICATE, 'A welder with this ID number is already registered', [
        { field: 'idNumber', code: 'duplicate', message: 'already registered' },
      ]);
    }
    const phone = input.phone ?? null;
    const welder = await this.welders.insert(em, {
      realName: input.realName,
      idNumberEnc: this.cipher.encrypt(input.idNumber),
      idNumberIndex,
      idNumberMasked: maskIdNumber(input.idNumber),
      phoneEnc: phone ? this.cipher.encrypt(phone) : null,
      phoneMasked: phone ? maskPhone(phone) : null,
      employerId: employer.id,
    });
    await this.codes.issueInTransaction(em, actor, CodeSubjectType.Welder, welder.id, {
      enterpriseId: employer.id,
      regionPath: employer.regionPath,
    });
    await this.audit.record(em, actor, {
      action: 'welder.create',
      entityType: 'welder',
      entityId: welder.id,
      enterpriseId: employer.id,
      regionPath: employer.regionPath,
      after: auditSnapshot(welder),
    });
    return welderView(welder, employer.name, [], this.clock.now());
  }

  async list(actor: Actor, query: ListWeldersQueryDto): Promise<Paginated<WelderView>> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const [rows, total] = await this.welders.searchPage(
      this.filtersOf(query, today),
      (qb) => this.access.scopeQuery(qb, actor, today),
      offsetOf(query),
      query.pageSize,
    );
    const certs = await this.certificates.findOfWelders(rows.map((w) => w.id));
    return paginate(
      rows.map((w) => welderView(w, w.employer?.name ?? '', certs.get(w.id) ?? [], now)),
      total,
      query,
    );
  }

  /** The list's filters, shared by the page and the export so that both select the same welders. */
  private filtersOf(query: ListWeldersQueryDto, today: string) {
    return {
      nameContains: query.q,
      idNumberIndex: query.idNumber ? this.cipher.blindIndex(query.idNumber) : undefined,
      employerId: query.employerId,
      status: query.status,
      certificateState: query.certificateState,
      today,
      soon: addDays(today, EXPIRING_SOON_DAYS),
    };
  }

  /** The list's statement for the ledger export (same scope, filters and order; every row, not a page). */
  exportStatement(actor: Actor, query: ListWeldersQueryDto): { sql: string; params: unknown[] } {
    const today = chinaDate(this.clock.now());
    const [sql, params] = this.welders.exportStatement(this.filtersOf(query, today), (qb) =>
      this.access.scopeQuery(qb, actor, today),
    );
    return { sql, params };
  }

  async get(actor: Actor, id: string): Promise<WelderDetailView> {
    const { welder, employer } = await this.access.findVisible(actor, id);
    const now = this.clock.now();
    const today = chinaDate(now);
    const [certs, engagements, [trainings, trainingTotal], code] = await Promise.all([
      this.certificates.findOfWelder(welder.id),
      this.engagements.findOfWelderWithEnterprise(welder.id),
      this.trainings.findPageOfWelder(welder.id, 0, DETAIL_TRAININGS),
      this.codes.findActiveForSubject(CodeSubjectType.Welder, welder.id),
    ]);
    const photos = await this.certificates.withPhoto(certs.map((c) => c.id));
    return {
      ...welderView(welder, employer.name, certs, now),
      engagements: engagements.map((g) => engagementView(g.engagement, g.enterpriseName, today)),
      certificates: certs.map((c) => certificateView(c, welder.idNumberMasked, now, photos.has(c.id))),
      trainings: trainings.map(trainingView),
      trainingTotal,
      code: code ? { code: code.code, url: this.codes.urlFor(code.code), issuedAt: code.issuedAt } : null,
    };
  }

  /** Name, phone and status; only the employer (or a platform admin) may change them. */
  async update(actor: Actor, id: string, dto: UpdateWelderDto): Promise<WelderView> {
    if (dto.realName === undefined && dto.phone === undefined && dto.status === undefined) {
      throw DomainError.invalid('body', 'empty', 'Give at least one of realName, phone, status');
    }
    const view = await this.ds.transaction(async (em) => {
      const scope = await this.access.findVisible(actor, id, em, true);
      this.access.assertManageable(actor, scope);
      const { welder, employer } = scope;
      const before = auditSnapshot(welder);
      if (dto.realName !== undefined) welder.realName = dto.realName;
      if (dto.phone !== undefined) {
        welder.phoneEnc = dto.phone ? this.cipher.encrypt(dto.phone) : null;
        welder.phoneMasked = dto.phone ? maskPhone(dto.phone) : null;
      }
      if (dto.status !== undefined) welder.status = dto.status;
      delete welder.employer;
      const saved = await this.welders.save(em, welder);
      await this.audit.record(em, actor, {
        action: 'welder.update',
        entityType: 'welder',
        entityId: saved.id,
        enterpriseId: employer.id,
        regionPath: employer.regionPath,
        before,
        after: auditSnapshot(saved),
      });
      return { saved, employerName: employer.name };
    });
    const certs = await this.certificates.findOfWelder(id);
    return welderView(view.saved, view.employerName, certs, this.clock.now());
  }

  /** Enterprise users register for their own enterprise; platform admins name the employer. */
  private async resolveEmployer(em: EntityManager, actor: Actor, employerId: string | undefined): Promise<Enterprise> {
    let id: string;
    if (this.policy.isEnterpriseUser(actor)) {
      if (!actor.enterpriseId) throw new DomainError(ErrorCode.FORBIDDEN, 'Your account has no enterprise');
      if (employerId && employerId !== actor.enterpriseId) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'You may register welders only for your own enterprise', [
          { field: 'employerId', code: 'notOwnEnterprise', message: 'must be your own enterprise' },
        ]);
      }
      id = actor.enterpriseId;
    } else if (actor.role === Role.PlatformAdmin || actor.role === 'system') {
      if (!employerId) throw DomainError.invalid('employerId', 'required', 'employerId is required');
      id = employerId;
    } else {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Your role may not register welders');
    }
    const employer = await this.welders.findEnterprise(id, em);
    if (!employer)
      throw new DomainError(ErrorCode.NOT_FOUND, 'Enterprise not found', [
        { field: 'employerId', code: 'unknownEnterprise', message: 'no such enterprise' },
      ]);
    if (employer.status !== EnterpriseStatus.Active) {
      throw new DomainError(
        ErrorCode.ENTERPRISE_INACTIVE,
        `The employer is ${employer.status}; it may not register welders`,
        [{ field: 'employerId', code: 'enterpriseInactive', message: `enterprise is ${employer.status}` }],
      );
    }
    return employer;
  }
}

async function validatedCreateDto(dto: CreateWelderDto): Promise<CreateWelderDto> {
  const input = plainToInstance(CreateWelderDto, { ...dto });
  const errors = await validate(input, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: true, value: false },
  });
  if (errors.length)
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Request validation failed', flattenValidationErrors(errors));
  return input;
}

/** What the audit log keeps of a welder: masked personal data only. */
function auditSnapshot(w: Welder): Record<string, unknown> {
  return {
    realName: w.realName,
    idNumber: w.idNumberMasked,
    phone: w.phoneMasked,
    employerId: w.employerId,
    status: w.status,
  };
}
