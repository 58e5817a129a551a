import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { paginate, Paginated, PaginationQueryDto, offsetOf } from '../common/http/pagination';
import { ApprovalChains, ApproverPosition, DEFAULT_APPROVAL_CHAINS } from './approval-chain';
import { PermitSettingsDto, UserPositionsDto } from './dto/permit-settings.dto';
import { NightHours, SpecialPeriods } from './permit-levels';
import { PermitSettingsRepository } from './permit-settings.repository';

export interface PermitSettingsView extends SpecialPeriods {
  enterpriseId: string;
  approvalChains: ApprovalChains;
  /** False while the enterprise runs on the defaults. */
  customised: boolean;
}

export interface UserPositionsView {
  userId: string;
  username: string;
  displayName: string;
  role: string;
  positions: ApproverPosition[];
}

/** Defaults: no holidays or night hours marked (the enterprise says when), upgrades on, GB 30871 chains. */
export function defaultSettings(enterpriseId: string): PermitSettingsView {
  return { enterpriseId, holidays: [], nightHours: null, upgradeOnHolidays: true, upgradeAtNight: true, approvalChains: DEFAULT_APPROVAL_CHAINS, customised: false };
}

@Injectable()
export class PermitSettingsService {
  constructor(
    private readonly repo: PermitSettingsRepository,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  /** The settings a permit is judged by (defaults when the enterprise saved none). */
  async effectiveSettings(enterpriseId: string, em?: EntityManager): Promise<PermitSettingsView> {
    const s = await this.repo.findSettings(enterpriseId, em);
    if (!s) return defaultSettings(enterpriseId);
    const nightHours: NightHours | null = s.nightStart && s.nightEnd ? { start: s.nightStart, end: s.nightEnd } : null;
    return { enterpriseId, holidays: s.holidays, nightHours, upgradeOnHolidays: s.upgradeOnHolidays, upgradeAtNight: s.upgradeAtNight, approvalChains: s.approvalChains, customised: true };
  }

  positionsOfUser(userId: string, enterpriseId: string, em?: EntityManager): Promise<ApproverPosition[]> {
    return this.repo.positionsOfUser(userId, enterpriseId, em);
  }

  async get(actor: Actor, enterpriseId: string): Promise<PermitSettingsView> {
    const e = await this.repo.findEnterprise(enterpriseId);
    if (!e) throw DomainError.notFound('Enterprise');
    this.access.assertReadable(actor, e, 'Enterprise');
    return this.effectiveSettings(enterpriseId);
  }

  async put(actor: Actor, enterpriseId: string, dto: PermitSettingsDto): Promise<PermitSettingsView> {
    if (dto.nightHours && dto.nightHours.start === dto.nightHours.end) {
      throw DomainError.invalid('nightHours.end', 'sameAsStart', 'Night hours must not start and end at the same time');
    }
    return this.ds.transaction(async (em) => {
      const e = await this.repo.findEnterprise(enterpriseId, em);
      if (!e) throw DomainError.notFound('Enterprise');
      this.access.assertManageable(actor, e, 'Enterprise');
      const before = await this.effectiveSettings(enterpriseId, em);
      await this.repo.saveSettings(em, {
        enterpriseId, holidays: [...dto.holidays].sort(), nightStart: dto.nightHours?.start ?? null, nightEnd: dto.nightHours?.end ?? null,
        upgradeOnHolidays: dto.upgradeOnHolidays, upgradeAtNight: dto.upgradeAtNight,
        approvalChains: { special: dto.approvalChains.special, level1: dto.approvalChains.level1, level2: dto.approvalChains.level2 },
      });
      const after = await this.effectiveSettings(enterpriseId, em);
      await this.audit.record(em, actor, { action: 'permit_settings.update', entityType: 'enterprise_permit_settings', entityId: enterpriseId, enterpriseId, regionPath: e.regionPath, before: { ...before }, after: { ...after } });
      return after;
    });
  }

  async listPositions(actor: Actor, enterpriseId: string, q: PaginationQueryDto): Promise<Paginated<UserPositionsView>> {
    const e = await this.repo.findEnterprise(enterpriseId);
    if (!e) throw DomainError.notFound('Enterprise');
    this.access.assertReadable(actor, e, 'Enterprise');
    const [users, total] = await this.repo.findEnterpriseUsers(enterpriseId, offsetOf(q), q.pageSize);
    const positions = await this.repo.positionsOfUsers(users.map((u) => u.id));
    const items = users.map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName, role: u.role, positions: positions.filter((p) => p.userId === u.id).map((p) => p.position).sort() }));
    return paginate(items, total, q);
  }

  async setPositions(actor: Actor, enterpriseId: string, userId: string, dto: UserPositionsDto): Promise<UserPositionsView> {
    return this.ds.transaction(async (em) => {
      const e = await this.repo.findEnterprise(enterpriseId, em);
      if (!e) throw DomainError.notFound('Enterprise');
      this.access.assertManageable(actor, e, 'Enterprise');
      const user = await this.repo.findEnterpriseUser(enterpriseId, userId, em);
      if (!user) throw DomainError.notFound('User');
      const before = await this.repo.positionsOfUser(userId, enterpriseId, em);
      const positions = [...dto.positions].sort();
      await this.repo.replacePositions(em, userId, enterpriseId, positions, this.clock.now());
      await this.audit.record(em, actor, { action: 'user_positions.update', entityType: 'user', entityId: userId, enterpriseId, regionPath: e.regionPath, before: { positions: before }, after: { positions } });
      return { userId, username: user.username, displayName: user.displayName, role: user.role, positions };
    });
  }
}
