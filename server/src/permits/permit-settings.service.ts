import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { paginate, Paginated, PaginationQueryDto, offsetOf } from '../common/http/pagination';
import {
  ApprovalChains,
  ApproverPosition,
  CHAIN_LEVELS,
  chainsBelowMinimum,
  DEFAULT_APPROVAL_CHAINS,
  instantiateChain,
  readChains,
} from './approval-chain';
import { PermitLevel } from './permit-levels';
import { chainsBelowError, PermitPolicyService } from './permit-policy.service';
import { PermitSettingsDto, UserPositionsDto } from './dto/permit-settings.dto';
import { NightHours, SpecialPeriods } from './permit-levels';
import { PermitSettingsRepository } from './permit-settings.repository';

export interface PermitSettingsView extends SpecialPeriods {
  enterpriseId: string;
  /** The chains permits are signed by: the enterprise's own where they honour the minimum, merged with it where not. */
  approvalChains: ApprovalChains;
  /** GB 30871-2022 platform minimum raised by the enterprise's regulators: steps nobody may drop or reorder. */
  minimumChains: ApprovalChains;
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
export function defaultSettings(
  enterpriseId: string,
  minimumChains: ApprovalChains = DEFAULT_APPROVAL_CHAINS,
): PermitSettingsView {
  return {
    enterpriseId,
    holidays: [],
    nightHours: null,
    upgradeOnHolidays: true,
    upgradeAtNight: true,
    approvalChains: { ...minimumChains },
    minimumChains,
    customised: false,
  };
}

/** Stored chains (possibly written before minimums existed, possibly malformed) brought up to the minimum. */
export function chainsInForce(stored: unknown, minimum: ApprovalChains): ApprovalChains {
  const own = readChains(stored);
  const out = {} as ApprovalChains;
  for (const l of CHAIN_LEVELS) out[l] = instantiateChain(own[l], minimum[l]);
  return out;
}

@Injectable()
export class PermitSettingsService {
  constructor(
    private readonly repo: PermitSettingsRepository,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly policy: PermitPolicyService,
  ) {}

  /**
   * The settings a permit is judged by (defaults when the enterprise saved none). The chains are
   * re-checked against today's minimum on every read, so rows saved before a minimum existed (or a
   * stored `{}`) can neither weaken nor block a permit.
   */
  async effectiveSettings(enterpriseId: string, em?: EntityManager): Promise<PermitSettingsView> {
    const e = await this.repo.findEnterprise(enterpriseId, em);
    if (!e) throw DomainError.notFound('Enterprise');
    const minimumChains = await this.policy.minimumChains(e.regionPath, em);
    const s = await this.repo.findSettings(enterpriseId, em);
    if (!s) return defaultSettings(enterpriseId, minimumChains);
    const nightHours: NightHours | null = s.nightStart && s.nightEnd ? { start: s.nightStart, end: s.nightEnd } : null;
    const holidays = Array.isArray(s.holidays) ? s.holidays.filter((h): h is string => typeof h === 'string') : [];
    return {
      enterpriseId,
      holidays,
      nightHours,
      upgradeOnHolidays: s.upgradeOnHolidays,
      upgradeAtNight: s.upgradeAtNight,
      approvalChains: chainsInForce(s.approvalChains, minimumChains),
      minimumChains,
      customised: true,
    };
  }

  /** The chain a permit of this level is signed by, instantiated now (at submission or when a signature is checked). */
  async chainFor(enterpriseId: string, level: PermitLevel, em?: EntityManager): Promise<ApproverPosition[]> {
    return [...(await this.effectiveSettings(enterpriseId, em)).approvalChains[level]];
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
      const chains: ApprovalChains = {
        special: dto.approvalChains.special,
        level1: dto.approvalChains.level1,
        level2: dto.approvalChains.level2,
      };
      // An enterprise may add steps, never drop or reorder the ones GB 30871 / its regulator require.
      const below = chainsBelowMinimum(chains, before.minimumChains);
      if (below.length) throw chainsBelowError(below, before.minimumChains, 'approvalChains');
      await this.repo.saveSettings(em, {
        enterpriseId,
        holidays: [...dto.holidays].sort(),
        nightStart: dto.nightHours?.start ?? null,
        nightEnd: dto.nightHours?.end ?? null,
        upgradeOnHolidays: dto.upgradeOnHolidays,
        upgradeAtNight: dto.upgradeAtNight,
        approvalChains: chains,
      });
      const after = await this.effectiveSettings(enterpriseId, em);
      await this.audit.record(em, actor, {
        action: 'permit_settings.update',
        entityType: 'enterprise_permit_settings',
        entityId: enterpriseId,
        enterpriseId,
        regionPath: e.regionPath,
        before: { ...before },
        after: { ...after },
      });
      return after;
    });
  }

  async listPositions(
    actor: Actor,
    enterpriseId: string,
    q: PaginationQueryDto,
  ): Promise<Paginated<UserPositionsView>> {
    const e = await this.repo.findEnterprise(enterpriseId);
    if (!e) throw DomainError.notFound('Enterprise');
    this.access.assertReadable(actor, e, 'Enterprise');
    const [users, total] = await this.repo.findEnterpriseUsers(enterpriseId, offsetOf(q), q.pageSize);
    const positions = await this.repo.positionsOfUsers(users.map((u) => u.id));
    const items = users.map((u) => ({
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      positions: positions
        .filter((p) => p.userId === u.id)
        .map((p) => p.position)
        .sort(),
    }));
    return paginate(items, total, q);
  }

  async setPositions(
    actor: Actor,
    enterpriseId: string,
    userId: string,
    dto: UserPositionsDto,
  ): Promise<UserPositionsView> {
    return this.ds.transaction(async (em) => {
      const e = await this.repo.findEnterprise(enterpriseId, em);
      if (!e) throw DomainError.notFound('Enterprise');
      this.access.assertManageable(actor, e, 'Enterprise');
      const user = await this.repo.findEnterpriseUser(enterpriseId, userId, em);
      if (!user) throw DomainError.notFound('User');
      const before = await this.repo.positionsOfUser(userId, enterpriseId, em);
      const positions = [...dto.positions].sort();
      // 主要负责人 is one person: a second holder would let anyone sign a 特级 permit in the principal's name.
      if (positions.includes(ApproverPosition.Principal)) {
        const holders = await this.repo.holdersOfPosition(em, enterpriseId, ApproverPosition.Principal);
        if (holders.some((h) => h !== userId))
          throw new DomainError(
            ErrorCode.CONFLICT,
            'The enterprise already has a 主要负责人; remove it from that user first',
            [{ field: 'positions', code: 'principalTaken', message: 'only one user may hold the principal position' }],
          );
      }
      await this.repo.replacePositions(em, userId, enterpriseId, positions, this.clock.now());
      await this.audit.record(em, actor, {
        action: 'user_positions.update',
        entityType: 'user',
        entityId: userId,
        enterpriseId,
        regionPath: e.regionPath,
        before: { positions: before },
        after: { positions },
      });
      return { userId, username: user.username, displayName: user.displayName, role: user.role, positions };
    });
  }
}
