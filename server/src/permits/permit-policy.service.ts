import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Blackout, BlackoutEffect } from '../blackouts/blackout.entity';
import { BlackoutsService } from '../blackouts/blackouts.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { addDays, chinaDate } from '../common/time/china-date';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { Role } from '../common/roles/role';
import {
  ApprovalChains,
  CHAIN_LEVELS,
  chainsBelowMinimum,
  mergeChains,
  PLATFORM_MINIMUM_CHAINS,
  readChains,
} from './approval-chain';
import { HolidayDayDto, HolidayYearDto, RegionalMinimumDto } from './dto/permit-policy.dto';
import { ApprovalChainsDto } from './dto/permit-settings.dto';
import { MandatoryPeriods } from './permit-levels';
import { PermitPolicyRepository } from './permit-policy.repository';

export class RegionalMinimumView {
  @ApiProperty() regionCode!: string;
  /** What applies in the region: platform minimum raised by every regulator above and at it. */
  @ApiProperty({ type: () => ApprovalChainsDto }) effective!: ApprovalChains;
  /** What applies from above (platform and wider regions): the floor for this region's own rule. */
  @ApiProperty({ type: () => ApprovalChainsDto }) inherited!: ApprovalChains;
  /** This region's own rule, null when none is set. */
  @ApiProperty({ type: () => ApprovalChainsDto, nullable: true }) own!: ApprovalChains | null;
}

export class HolidayYearView {
  @ApiProperty() year!: number;
  @ApiProperty() published!: boolean;
  @ApiProperty() source!: string;
  @ApiProperty({ type: () => [HolidayDayDto] }) days!: { date: string; name: string }[];
}

/** Blackouts and holidays that reach a permit window and that the enterprise cannot switch off. */
export interface WindowRules extends MandatoryPeriods {
  bans: Blackout[];
}

function mergeAll(base: ApprovalChains, rules: unknown[]): ApprovalChains {
  const out: ApprovalChains = { ...base };
  for (const r of rules) {
    const c = readChains(r);
    for (const l of CHAIN_LEVELS) {
      const x = c[l];
      if (x) out[l] = mergeChains(out[l], x);
    }
  }
  return out;
}

/**
 * Rules above the enterprise. Regulators raise the minimum approval chain for their region (GB 30871
 * names who approves each level; nobody may go below it); the national statutory holidays and the
 * regulators' special periods raise permit levels whatever the enterprise configured.
 */
@Injectable()
export class PermitPolicyService {
  constructor(
    private readonly repo: PermitPolicyRepository,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    private readonly blackouts: BlackoutsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  /** The minimum chain per level for an enterprise in regionPath. */
  async minimumChains(regionPath: string, em?: EntityManager): Promise<ApprovalChains> {
    return mergeAll(
      PLATFORM_MINIMUM_CHAINS,
      (await this.repo.minimumsCovering(regionPath, em)).map((m) => m.chains),
    );
  }

  async windowRules(regionPath: string, start: Date, end: Date, em?: EntityManager): Promise<WindowRules> {
    const [holidays, blackouts] = await Promise.all([
      this.repo.statutoryHolidaysBetween(addDays(chinaDate(start), -1), addDays(chinaDate(end), 1), em),
      this.blackouts.findAffectingWindow(regionPath, start, end, em),
    ]);
    return {
      statutoryHolidays: holidays.map((h) => ({ date: h.day, name: h.name })),
      regulatorPeriods: blackouts
        .filter((b) => b.effect === BlackoutEffect.RaiseLevel)
        .map((b) => ({ id: b.id, startsAt: b.startsAt, endsAt: b.endsAt, reason: b.reason })),
      bans: blackouts.filter((b) => b.effect === BlackoutEffect.Ban),
    };
  }

  /** A 禁火 blackout overlapping the window: no permit for it is approved. */
  assertNoBan(rules: WindowRules, field = 'plannedStart'): void {
    const ban = rules.bans[0];
    if (!ban) return;
    const message = `作业时段与监管部门设定的禁火期重叠 (${ban.reason}); the window overlaps a regulator's blackout`;
    throw new DomainError(ErrorCode.PERMIT_BLOCKED_BY_BLACKOUT, message, [{ field, code: 'blackout', message }], {
      blackoutId: ban.id,
      startsAt: ban.startsAt,
      endsAt: ban.endsAt,
    });
  }

  async getRegionalMinimum(actor: Actor, regionCode: string): Promise<RegionalMinimumView> {
    const region = await this.regions.findByCode(regionCode);
    if (!region || !this.mayRead(actor, region.path)) throw DomainError.notFound('Region');
    return this.minimumView(region.code, region.path);
  }

  async putRegionalMinimum(actor: Actor, regionCode: string, dto: RegionalMinimumDto): Promise<RegionalMinimumView> {
    const region = await this.regions.findByCode(regionCode);
    if (!region || !this.mayRead(actor, region.path)) throw DomainError.notFound('Region');
    if (!this.mayManage(actor, region.path))
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        'Only a regulator of this region (or above) may set its minimum approval chains',
      );
    const chains: ApprovalChains = {
      special: dto.chains.special,
      level1: dto.chains.level1,
      level2: dto.chains.level2,
    };
    return this.ds.transaction(async (em) => {
      const before = await this.minimumView(region.code, region.path, em);
      const below = chainsBelowMinimum(chains, before.inherited);
      if (below.length) throw chainsBelowError(below, before.inherited, 'chains');
      await this.repo.saveMinimum(em, {
        regionCode: region.code,
        regionPath: region.path,
        chains,
        updatedBy: actor.userId,
      });
      const after = await this.minimumView(region.code, region.path, em);
      await this.audit.record(em, actor, {
        action: 'approval_minimum.update',
        entityType: 'regional_approval_minimum',
        entityId: region.code,
        regionPath: region.path,
        before: { own: before.own },
        after: { own: after.own },
      });
      return after;
    });
  }

  async listHolidayYears(): Promise<HolidayYearView[]> {
    const years = await this.repo.listYears();
    return Promise.all(
      years.map(async (y) => ({
        year: y.year,
        published: y.published,
        source: y.source,
        days: (await this.repo.holidaysOfYear(y.year)).map((d) => ({ date: d.day, name: d.name })),
      })),
    );
  }

  async getHolidayYear(year: number, em?: EntityManager): Promise<HolidayYearView> {
    const y = await this.repo.findYear(year, em);
    // A year nobody entered is reported as unpublished rather than 404: the UI shows it as "to be entered".
    if (!y) return { year, published: false, source: '', days: [] };
    return {
      year,
      published: y.published,
      source: y.source,
      days: (await this.repo.holidaysOfYear(year, em)).map((d) => ({ date: d.day, name: d.name })),
    };
  }

  async putHolidayYear(actor: Actor, year: number, dto: HolidayYearDto): Promise<HolidayYearView> {
    dto.days.forEach((d, i) => {
      if (!d.date.startsWith(`${year}-`))
        throw DomainError.invalid(`days.${i}.date`, 'otherYear', `${d.date} is not in ${year}`);
    });
    if (!dto.published && dto.days.length)
      throw DomainError.invalid('published', 'daysWithoutNotice', 'Days can only be entered for a published calendar');
    return this.ds.transaction(async (em) => {
      // One writer per year at a time, and "before" read after the lock: two PUTs at once log a true before each.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`holiday_calendar:${year}`]);
      const before = await this.getHolidayYear(year, em);
      const days = [...dto.days]
        .sort((a, b) => a.date.localeCompare(b.date))
        .map((d) => ({ date: d.date, name: d.name.trim() }));
      await this.repo.replaceYear(
        em,
        { year, published: dto.published, source: dto.source.trim(), updatedBy: actor.userId },
        days,
      );
      const after = { year, published: dto.published, source: dto.source.trim(), days };
      await this.audit.record(em, actor, {
        action: 'holiday_calendar.update',
        entityType: 'holiday_calendar_year',
        entityId: String(year),
        before: { ...before },
        after: { ...after },
      });
      return after;
    });
  }

  private async minimumView(regionCode: string, regionPath: string, em?: EntityManager): Promise<RegionalMinimumView> {
    const rules = await this.repo.minimumsCovering(regionPath, em);
    const own = rules.find((r) => r.regionCode === regionCode) ?? null;
    const inherited = mergeAll(
      PLATFORM_MINIMUM_CHAINS,
      rules.filter((r) => r !== own).map((r) => r.chains),
    );
    const ownChains = own ? readChains(own.chains) : null;
    return {
      regionCode,
      inherited,
      effective: mergeAll(inherited, own ? [own.chains] : []),
      own:
        ownChains && ownChains.special && ownChains.level1 && ownChains.level2
          ? { special: ownChains.special, level1: ownChains.level1, level2: ownChains.level2 }
          : null,
    };
  }

  /** Regulators see rules of their subtree and of the regions above them (which bind them too). */
  private mayRead(actor: Actor, path: string): boolean {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return true;
    return (
      actor.role === Role.Regulator &&
      !!actor.regionPath &&
      (path.startsWith(actor.regionPath) || actor.regionPath.startsWith(path))
    );
  }

  private mayManage(actor: Actor, path: string): boolean {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return true;
    return actor.role === Role.Regulator && !!actor.regionPath && path.startsWith(actor.regionPath);
  }
}

export function chainsBelowError(levels: string[], minimum: ApprovalChains, field: string): DomainError {
  const fields = levels.map((l) => ({
    field: `${field}.${l}`,
    code: 'belowMinimum',
    message: `must contain, in this order: ${minimum[l as keyof ApprovalChains].join(' → ')}`,
  }));
  return new DomainError(
    ErrorCode.APPROVAL_CHAIN_BELOW_MINIMUM,
    'An approval chain drops or reorders a step the minimum requires (GB 30871-2022 / the regulator)',
    fields,
    { minimum },
  );
}
