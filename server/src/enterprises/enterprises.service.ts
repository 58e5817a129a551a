import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { FieldCipher } from '../common/crypto/field-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { paginate, Paginated, offsetOf } from '../common/http/pagination';
import { Region } from '../regions/region.entity';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { Role } from '../common/roles/role';
import { ChangeEnterpriseStatusDto } from './dto/change-enterprise-status.dto';
import { CreateEnterpriseDto } from './dto/create-enterprise.dto';
import { ListEnterprisesQueryDto } from './dto/list-enterprises-query.dto';
import { UpdateEnterpriseDto } from './dto/update-enterprise.dto';
import { Enterprise, EnterpriseStatus } from './enterprise.entity';
import { enterpriseAuditSnapshot, EnterpriseView, toEnterpriseView } from './enterprise.view';
import { EnterprisesRepository } from './enterprises.repository';

const ENTITY = 'enterprise';

function isPlatform(actor: Actor): boolean {
  return actor.role === 'system' || actor.role === Role.PlatformAdmin;
}

function regionUnknown(field: string, code: string): DomainError {
  return new DomainError(ErrorCode.REGION_UNKNOWN, `Region ${code} is not known`, [
    { field, code: 'unknownRegion', message: 'unknown region' },
  ]);
}

function duplicateUscc(): DomainError {
  return new DomainError(ErrorCode.DUPLICATE, 'An enterprise with this USCC is already registered', [
    { field: 'uscc', code: 'duplicate', message: 'already registered' },
  ]);
}

/** A location is both coordinates or neither: half a point cannot be shown on a map. */
function assertCompleteLocation(latitude: number | null | undefined, longitude: number | null | undefined): void {
  if ((latitude ?? null) === null && (longitude ?? null) !== null)
    throw DomainError.invalid('latitude', 'requiredWithLongitude', 'latitude and longitude go together');
  if ((latitude ?? null) !== null && (longitude ?? null) === null)
    throw DomainError.invalid('longitude', 'requiredWithLatitude', 'latitude and longitude go together');
}

@Injectable()
export class EnterprisesService {
  constructor(
    private readonly enterprises: EnterprisesRepository,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
    private readonly ds: DataSource,
  ) {}

  /** The list's statement for the ledger export (same scope, filters and order; every row, not a page). */
  async exportStatement(actor: Actor, query: ListEnterprisesQueryDto): Promise<{ sql: string; params: unknown[] }> {
    const [sql, params] = this.enterprises.exportStatement({
      scope: (qb, alias) => this.access.scopeToEnterprises(qb, actor, alias),
      regionPath: await this.regionPathOf(query),
      status: query.status,
      industry: query.industry,
      nameContains: query.q,
    });
    return { sql, params };
  }

  private async regionPathOf(query: ListEnterprisesQueryDto): Promise<string | undefined> {
    if (!query.regionCode) return undefined;
    const region = await this.regions.findByCode(query.regionCode);
    if (!region) throw regionUnknown('regionCode', query.regionCode);
    return region.path;
  }

  async list(actor: Actor, query: ListEnterprisesQueryDto): Promise<Paginated<EnterpriseView>> {
    const regionPath = await this.regionPathOf(query);
    const [rows, total] = await this.enterprises.findPage({
      scope: (qb, alias) => this.access.scopeToEnterprises(qb, actor, alias),
      regionPath,
      status: query.status,
      industry: query.industry,
      nameContains: query.q,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    const counts = await this.enterprises.countAssets(rows.map((e) => e.id));
    return paginate(
      rows.map((e) => toEnterpriseView(e, this.cipher, counts.get(e.id)!)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<EnterpriseView> {
    const e = await this.enterprises.findById(id);
    if (!e || !this.access.canReadEnterprise(actor, e)) throw DomainError.notFound('Enterprise');
    return this.view(e);
  }

  /** Platform admins anywhere; regulators inside their own subtree. */
  async create(actor: Actor, dto: CreateEnterpriseDto): Promise<EnterpriseView> {
    const region = await this.regions.findByCode(dto.regionCode);
    if (!region) throw regionUnknown('regionCode', dto.regionCode);
    this.assertMayPlaceIn(actor, region);
    assertCompleteLocation(dto.latitude, dto.longitude);
    return this.ds.transaction((em) => this.createIn(em, actor, dto, region));
  }

  /**
   * Creates the enterprise inside the caller's transaction (self-registration: the approval creates the
   * enterprise and its admin account together). Same rules as create().
   */
  async createInTransaction(em: EntityManager, actor: Actor, dto: CreateEnterpriseDto): Promise<EnterpriseView> {
    const region = await this.regions.findByCode(dto.regionCode);
    if (!region) throw regionUnknown('regionCode', dto.regionCode);
    this.assertMayPlaceIn(actor, region);
    assertCompleteLocation(dto.latitude, dto.longitude);
    return this.createIn(em, actor, dto, region);
  }

  private async createIn(
    em: EntityManager,
    actor: Actor,
    dto: CreateEnterpriseDto,
    region: Region,
  ): Promise<EnterpriseView> {
    if (await this.enterprises.findByUscc(em, dto.uscc)) throw duplicateUscc();
    const e = await this.enterprises.save(
      em,
      this.enterprises.create(em, {
        name: dto.name,
        uscc: dto.uscc,
        industry: dto.industry,
        regionCode: region.code,
        regionPath: region.path,
        address: dto.address,
        latitude: dto.latitude ?? null,
        longitude: dto.longitude ?? null,
        principalName: dto.principalName,
        principalPhoneEnc: this.cipher.encrypt(dto.principalPhone),
        controllerName: dto.controllerName ?? null,
        controllerPhoneEnc: dto.controllerPhone ? this.cipher.encrypt(dto.controllerPhone) : null,
        status: EnterpriseStatus.Active,
        statusReason: null,
      }),
    );
    const view = await this.view(e, em);
    await this.audit.record(em, actor, {
      action: 'enterprise.create',
      entityType: ENTITY,
      entityId: e.id,
      enterpriseId: e.id,
      regionPath: e.regionPath,
      after: enterpriseAuditSnapshot(view),
    });
    return view;
  }

  /** The enterprise's own admin or a platform admin; region and USCC are platform-admin only. */
  async update(actor: Actor, id: string, dto: UpdateEnterpriseDto): Promise<EnterpriseView> {
    return this.ds.transaction(async (em) => {
      const e = await this.enterprises.findByIdForUpdate(em, id);
      if (!e || !this.access.canReadEnterprise(actor, e)) throw DomainError.notFound('Enterprise');
      const ownAdmin = actor.role === Role.EnterpriseAdmin && actor.enterpriseId === e.id;
      if (!isPlatform(actor) && !ownAdmin)
        throw new DomainError(
          ErrorCode.FORBIDDEN,
          "Only the enterprise's own admin or a platform admin may edit its profile",
        );
      if (!isPlatform(actor)) {
        const locked = (['regionCode', 'uscc'] as const).filter((f) => dto[f] !== undefined && dto[f] !== e[f]);
        if (locked.length) {
          throw new DomainError(
            ErrorCode.FORBIDDEN,
            'Only a platform admin may change the region or the USCC',
            locked.map((field) => ({
              field,
              code: 'platformAdminOnly',
              message: `${field} may be changed by a platform admin only`,
            })),
          );
        }
      }
      const before = enterpriseAuditSnapshot(await this.view(e, em));
      await this.applyProfile(em, e, dto);
      const saved = await this.enterprises.save(em, e);
      const view = await this.view(saved, em);
      await this.audit.record(em, actor, {
        action: 'enterprise.update',
        entityType: ENTITY,
        entityId: e.id,
        enterpriseId: e.id,
        regionPath: e.regionPath,
        before,
        after: enterpriseAuditSnapshot(view),
      });
      return view;
    });
  }

  /** Regulators of the subtree and platform admins. Closing is final except for a platform admin. */
  async changeStatus(actor: Actor, id: string, dto: ChangeEnterpriseStatusDto): Promise<EnterpriseView> {
    if (dto.status !== EnterpriseStatus.Active && !dto.reason?.trim())
      throw DomainError.invalid('reason', 'isNotEmpty', 'A reason is required');
    return this.ds.transaction(async (em) => {
      const e = await this.enterprises.findByIdForUpdate(em, id);
      if (!e) throw DomainError.notFound('Enterprise');
      this.access.assertRegulable(actor, e, 'Enterprise');
      if (e.status === dto.status)
        throw new DomainError(ErrorCode.INVALID_STATE, `The enterprise is already ${dto.status}`);
      if (e.status === EnterpriseStatus.Closed && !isPlatform(actor))
        throw new DomainError(ErrorCode.INVALID_STATE, 'The enterprise is closed; only a platform admin may reopen it');
      const before = enterpriseAuditSnapshot(await this.view(e, em));
      e.status = dto.status;
      e.statusReason = dto.reason?.trim() || null;
      const saved = await this.enterprises.save(em, e);
      const view = await this.view(saved, em);
      await this.audit.record(em, actor, {
        action: 'enterprise.status',
        entityType: ENTITY,
        entityId: e.id,
        enterpriseId: e.id,
        regionPath: e.regionPath,
        before,
        after: enterpriseAuditSnapshot(view),
      });
      return view;
    });
  }

  private assertMayPlaceIn(actor: Actor, region: Region): void {
    if (isPlatform(actor)) return;
    if (actor.role === Role.Regulator && !!actor.regionPath && region.path.startsWith(actor.regionPath)) return;
    throw new DomainError(ErrorCode.FORBIDDEN, 'You may not register an enterprise in this region', [
      { field: 'regionCode', code: 'outsideScope', message: 'region is outside your jurisdiction' },
    ]);
  }

  private async applyProfile(em: EntityManager, e: Enterprise, dto: UpdateEnterpriseDto): Promise<void> {
    if (dto.regionCode !== undefined && dto.regionCode !== e.regionCode) {
      const region = await this.regions.findByCode(dto.regionCode);
      if (!region) throw regionUnknown('regionCode', dto.regionCode);
      e.regionCode = region.code;
      e.regionPath = region.path;
    }
    if (dto.uscc !== undefined && dto.uscc !== e.uscc) {
      const other = await this.enterprises.findByUscc(em, dto.uscc);
      if (other && other.id !== e.id) throw duplicateUscc();
      e.uscc = dto.uscc;
    }
    if (dto.name !== undefined) e.name = dto.name;
    if (dto.industry !== undefined) e.industry = dto.industry;
    if (dto.address !== undefined) e.address = dto.address;
    if (dto.latitude !== undefined) e.latitude = dto.latitude;
    if (dto.longitude !== undefined) e.longitude = dto.longitude;
    assertCompleteLocation(e.latitude, e.longitude);
    if (dto.principalName !== undefined) e.principalName = dto.principalName;
    if (dto.principalPhone !== undefined) e.principalPhoneEnc = this.cipher.encrypt(dto.principalPhone);
    if (dto.controllerName !== undefined) e.controllerName = dto.controllerName;
    if (dto.controllerPhone !== undefined)
      e.controllerPhoneEnc = dto.controllerPhone ? this.cipher.encrypt(dto.controllerPhone) : null;
  }

  private async view(e: Enterprise, em?: EntityManager): Promise<EnterpriseView> {
    const counts = await this.enterprises.countAssets([e.id], em);
    return toEnterpriseView(e, this.cipher, counts.get(e.id)!);
  }
}
