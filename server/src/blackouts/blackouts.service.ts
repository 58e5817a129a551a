import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { Role } from '../common/roles/role';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { Blackout, BlackoutEffect } from './blackout.entity';
import { BlackoutView, toBlackoutView } from './blackout.view';
import { BlackoutReadScope, BlackoutsRepository } from './blackouts.repository';
import { CreateBlackoutDto, ListBlackoutsQueryDto } from './dto/blackout.dto';

/** A declaration longer than this is almost certainly a typo in the year. */
export const MAX_BLACKOUT_DAYS = 366;

function snapshot(b: Blackout): Record<string, unknown> {
  return {
    regionCode: b.regionCode,
    kind: b.kind,
    effect: b.effect,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    reason: b.reason,
    cancelledAt: b.cancelledAt,
    cancelReason: b.cancelReason,
  };
}

/** 禁火期: regulators declare them for their region or below; the arc authorisation asks findActiveFor. */
@Injectable()
export class BlackoutsService {
  constructor(
    private readonly blackouts: BlackoutsRepository,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
    @Inject(WELDER_ROSTER) private readonly welders: WelderRoster,
  ) {}

  /**
   * The blackout in force at `at` for a region (an enterprise's region_path): one declared for that
   * region or any ancestor, with startsAt <= at < endsAt, not cancelled. Errors propagate, so that an
   * authorisation built on this fails closed.
   */
  findActiveFor(regionPath: string, at: Date): Promise<Blackout | null> {
    return this.blackouts.findActiveCovering(regionPath, at);
  }

  /** Blackouts that reach a permit window [start, end) in a region: bans and level-raising special periods. Errors propagate (fail closed). */
  findAffectingWindow(regionPath: string, start: Date, end: Date, em?: EntityManager): Promise<Blackout[]> {
    return this.blackouts.findOverlapping(regionPath, start, end, em);
  }

  async declare(actor: Actor, dto: CreateBlackoutDto): Promise<BlackoutView> {
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    const now = this.clock.now();
    if (endsAt <= startsAt)
      throw DomainError.invalid('endsAt', 'endsNotAfterStarts', 'endsAt must be later than startsAt');
    if (endsAt <= now) throw DomainError.invalid('endsAt', 'inThePast', 'endsAt is already past');
    if (endsAt.getTime() - startsAt.getTime() > MAX_BLACKOUT_DAYS * 86_400_000)
      throw DomainError.invalid('endsAt', 'tooLong', `A blackout may last at most ${MAX_BLACKOUT_DAYS} days`);
    const region = await this.regions.findByCode(dto.regionCode);
    if (!region)
      throw new DomainError(ErrorCode.REGION_UNKNOWN, `Region ${dto.regionCode} is not known`, [
        { field: 'regionCode', code: 'unknownRegion', message: 'unknown region' },
      ]);
    if (!this.mayManagePath(actor, region.path)) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        'You may declare blackouts only for your own region or a region inside it',
        [{ field: 'regionCode', code: 'outsideYourRegion', message: 'outside your region' }],
      );
    }
    return this.ds.transaction(async (em) => {
      const b = await this.blackouts.insert(em, {
        regionCode: region.code,
        regionPath: region.path,
        kind: dto.kind,
        effect: dto.effect ?? BlackoutEffect.Ban,
        startsAt,
        endsAt,
        reason: dto.reason.trim(),
        createdBy: actor.userId,
        cancelledAt: null,
        cancelledBy: null,
        cancelReason: null,
      });
      await this.audit.record(em, actor, {
        action: 'blackout.declare',
        entityType: 'blackout',
        entityId: b.id,
        regionPath: b.regionPath,
        after: snapshot(b),
      });
      return toBlackoutView(b, now);
    });
  }

  async cancel(actor: Actor, id: string, reason: string): Promise<BlackoutView> {
    const readScope = await this.readScope(actor);
    return this.ds.transaction(async (em) => {
      const b = await this.blackouts.findByIdForUpdate(em, id);
      if (!b || !this.inScope(readScope, b)) throw DomainError.notFound('Blackout');
      if (!this.mayManagePath(actor, b.regionPath))
        throw new DomainError(
          ErrorCode.FORBIDDEN,
          'Only a regulator of the declaring region (or above) may cancel this blackout',
        );
      const now = this.clock.now();
      if (b.cancelledAt) throw new DomainError(ErrorCode.INVALID_STATE, 'The blackout is already cancelled');
      if (b.endsAt <= now) throw new DomainError(ErrorCode.INVALID_STATE, 'The blackout has already ended');
      const before = snapshot(b);
      Object.assign(b, { cancelledAt: now, cancelledBy: actor.userId, cancelReason: reason.trim() });
      await this.blackouts.markCancelled(em, b);
      await this.audit.record(em, actor, {
        action: 'blackout.cancel',
        entityType: 'blackout',
        entityId: b.id,
        regionPath: b.regionPath,
        before,
        after: snapshot(b),
      });
      return toBlackoutView(b, now);
    });
  }

  async list(actor: Actor, q: ListBlackoutsQueryDto): Promise<Paginated<BlackoutView>> {
    const now = this.clock.now();
    const [rows, total] = await this.blackouts.listScoped(
      await this.readScope(actor),
      q.status,
      now,
      offsetOf(q),
      q.pageSize,
    );
    return paginate(
      rows.map((b) => toBlackoutView(b, now)),
      total,
      q,
    );
  }

  async get(actor: Actor, id: string): Promise<BlackoutView> {
    const b = await this.blackouts.findById(id);
    if (!b || !this.inScope(await this.readScope(actor), b)) throw DomainError.notFound('Blackout');
    return toBlackoutView(b, this.clock.now());
  }

  private mayManagePath(actor: Actor, regionPath: string): boolean {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return true;
    return actor.role === Role.Regulator && !!actor.regionPath && regionPath.startsWith(actor.regionPath);
  }

  private inScope(scope: BlackoutReadScope, b: Blackout): boolean {
    switch (scope.kind) {
      case 'all':
        return true;
      case 'related':
        return b.regionPath.startsWith(scope.path) || scope.path.startsWith(b.regionPath);
      case 'applyingTo':
        return scope.path.startsWith(b.regionPath);
      default:
        return false;
    }
  }

  /** Enterprise users and welders see the blackouts that apply to their (employer's) enterprise. */
  private async readScope(actor: Actor): Promise<BlackoutReadScope> {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return { kind: 'all' };
    if (actor.role === Role.Regulator)
      return actor.regionPath ? { kind: 'related', path: actor.regionPath } : { kind: 'none' };
    let enterpriseId = actor.enterpriseId ?? null;
    if (actor.role === Role.Welder && actor.welderId) {
      const [w] = await this.welders.findWelders([actor.welderId]);
      enterpriseId = w?.employerId ?? null;
    }
    if (!enterpriseId) return { kind: 'none' };
    const e = await this.enterpriseLookup.findById(enterpriseId);
    return e ? { kind: 'applyingTo', path: e.regionPath } : { kind: 'none' };
  }
}
