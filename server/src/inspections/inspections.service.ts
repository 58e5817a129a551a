import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { USER_NAME_LOOKUP, UserNameLookup } from '../users/user-name-lookup';
import { CheckInDto, CreateInspectionPlanDto, CreateTargetedInspectionDto } from './dto/inspection.dto';
import { drawInspection } from './inspection-draw';
import { InspectionPlan, InspectionTarget } from './inspection.entity';
import { InspectionPlanSummaryView, InspectionPlanView, PublicInspectionPlanView } from './inspection.view';
import { InspectionsRepository } from './inspections.repository';

/** 双随机一公开 (issue 15 §2): plans, the recorded draw, and its publication. */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly repo: InspectionsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(USER_NAME_LOOKUP) private readonly users: UserNameLookup,
  ) {}

  /** A regulator plans for its own region or a part of it, and the draw happens at once. */
  async createPlan(actor: Actor, dto: CreateInspectionPlanDto): Promise<InspectionPlanView> {
    if (actor.role !== Role.Regulator || !actor.regionPath)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators plan inspections');
    const region = await this.regions.findByCode(dto.regionCode);
    if (!region) throw DomainError.invalid('regionCode', 'isRegionCode', '未知的行政区划 (unknown region)');
    if (!region.path.startsWith(actor.regionPath))
      throw new DomainError(ErrorCode.FORBIDDEN, 'The region is outside your jurisdiction');
    if (dto.periodEnd < dto.periodStart)
      throw DomainError.invalid(
        'periodEnd',
        'endsBeforeStart',
        '结束日期早于开始日期 (the period ends before it starts)',
      );
    const seed = dto.seed ?? randomBytes(16).toString('hex');
    const weights = { openAlerts: dto.weights.openAlerts, daysSinceInspection: dto.weights.daysSinceInspection };
    const now = this.clock.now();
    // READ COMMITTED, as the audit append needs; the draw stays re-runnable because the plan stores the
    // candidates and the inspector pool it was drawn from, not because both were read in one snapshot.
    const plan = await this.ds.transaction(async (em) => {
      const candidates = await this.repo.candidates(em, region.path, now);
      if (!candidates.length)
        throw new DomainError(ErrorCode.NO_INSPECTION_CANDIDATES, 'No active enterprise in the region');
      const pool = await this.repo.inspectorPool(em, region.path);
      if (pool.length < 2)
        throw new DomainError(ErrorCode.INSPECTORS_TOO_FEW, 'The region has fewer than two inspectors');
      const size = Math.min(dto.sampleSize, candidates.length);
      const inspectorIds = pool.map((p) => p.id);
      const drawn = drawInspection(seed, candidates, weights, inspectorIds, size);
      const saved = await this.repo.insertPlan(em, {
        title: dto.title,
        regionCode: region.code,
        regionPath: region.path,
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        sampleSize: size,
        weights,
        seed,
        candidates,
        inspectorPool: inspectorIds,
        drawnAt: now,
        createdBy: actor.userId,
      });
      await this.repo.insertTargets(
        em,
        drawn.map((d, i) => ({
          planId: saved.id,
          position: i + 1,
          enterpriseId: d.enterpriseId,
          weight: d.weight,
          inspectorIds: d.inspectorIds,
        })),
      );
      await this.audit.record(em, actor, {
        action: 'inspection_plan.draw',
        entityType: 'inspection_plan',
        entityId: saved.id,
        regionPath: region.path,
        after: {
          title: saved.title,
          regionCode: region.code,
          periodStart: saved.periodStart,
          periodEnd: saved.periodEnd,
          seed,
          weights,
          candidates: candidates.length,
          inspectors: inspectorIds.length,
          selected: drawn.map((d) => ({ enterpriseId: d.enterpriseId, inspectorIds: d.inspectorIds })),
        },
      });
      return saved;
    });
    return this.view(plan);
  }

  /**
   * 定向检查: a suspect (an off-platform audit row, the ranking) becomes an inspection target in one step.
   * The enterprise is chosen, not drawn; its two inspectors are still drawn at random from the planner's
   * region with a recorded seed, so the pairing is as re-runnable as a 双随机 plan. Not published (四不两直).
   */
  async createTargeted(actor: Actor, dto: CreateTargetedInspectionDto): Promise<InspectionPlanView> {
    if (actor.role !== Role.Regulator || !actor.regionPath || !actor.regionCode)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators plan inspections');
    if (dto.periodEnd < dto.periodStart)
      throw DomainError.invalid(
        'periodEnd',
        'endsBeforeStart',
        '结束日期早于开始日期 (the period ends before it starts)',
      );
    const enterprise = await this.enterprises.findById(dto.enterpriseId);
    // An enterprise outside the jurisdiction is as unknown as one that does not exist.
    if (!enterprise || !enterprise.regionPath.startsWith(actor.regionPath)) throw DomainError.notFound('Enterprise');
    const regionPath = actor.regionPath;
    const regionCode = actor.regionCode;
    const seed = randomBytes(16).toString('hex');
    const weights = { openAlerts: 0, daysSinceInspection: 0 };
    const now = this.clock.now();
    const plan = await this.ds.transaction(async (em) => {
      const candidates = (await this.repo.candidates(em, enterprise.regionPath, now)).filter(
        (c) => c.enterpriseId === enterprise.id,
      );
      if (!candidates.length)
        throw new DomainError(ErrorCode.NO_INSPECTION_CANDIDATES, 'The enterprise is not in business');
      const pool = await this.repo.inspectorPool(em, regionPath);
      if (pool.length < 2)
        throw new DomainError(ErrorCode.INSPECTORS_TOO_FEW, 'The region has fewer than two inspectors');
      const inspectorIds = pool.map((p) => p.id);
      const [drawn] = drawInspection(seed, candidates, weights, inspectorIds, 1);
      const source = dto.source ? { list: dto.source.list, label: dto.source.label ?? null } : null;
      const saved = await this.repo.insertPlan(em, {
        title: `定向检查：${enterprise.name}`.slice(0, 200),
        regionCode,
        regionPath,
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        sampleSize: 1,
        weights,
        seed,
        candidates,
        inspectorPool: inspectorIds,
        drawnAt: now,
        createdBy: actor.userId,
        kind: 'targeted',
        reason: dto.reason,
        source,
      });
      await this.repo.insertTargets(em, [
        {
          planId: saved.id,
          position: 1,
          enterpriseId: enterprise.id,
          weight: drawn.weight,
          inspectorIds: drawn.inspectorIds,
        },
      ]);
      await this.audit.record(em, actor, {
        action: 'inspection_plan.target',
        entityType: 'inspection_plan',
        entityId: saved.id,
        enterpriseId: enterprise.id,
        regionPath,
        after: {
          enterpriseId: enterprise.id,
          reason: dto.reason,
          source,
          periodStart: dto.periodStart,
          periodEnd: dto.periodEnd,
          seed,
          inspectors: inspectorIds.length,
          selected: drawn.inspectorIds,
        },
      });
      return saved;
    });
    return this.view(plan);
  }

  async list(actor: Actor, q: PaginationQueryDto): Promise<Paginated<InspectionPlanSummaryView>> {
    const [plans, total] = await this.repo.listPlans(this.scopePath(actor), offsetOf(q), q.pageSize);
    const names = await this.regionNames(plans.map((p) => p.regionCode));
    return paginate(
      plans.map((p) => this.summary(p, names.get(p.regionCode) ?? p.regionCode)),
      total,
      q,
    );
  }

  async get(actor: Actor, id: string): Promise<InspectionPlanView> {
    const plan = await this.repo.findPlan(id);
    const scope = this.scopePath(actor);
    if (!plan || (scope && !plan.regionPath.startsWith(scope))) throw DomainError.notFound('Inspection plan');
    return this.view(plan);
  }

  /**
   * 现场检查: one of the two inspectors drawn for the enterprise checks in on site, with GPS. Nobody else
   * acts on the target: not the other regulators of the region, not the planner.
   */
  async checkIn(actor: Actor, planId: string, position: number, dto: CheckInDto): Promise<InspectionPlanView> {
    if (actor.role !== Role.Regulator) throw new DomainError(ErrorCode.FORBIDDEN, 'Only inspectors check in');
    const plan = await this.repo.findPlan(planId);
    if (!plan) throw DomainError.notFound('Inspection plan');
    // The draw is the authority: a township account drawn for a county plan acts on its target. Anyone
    // else is refused; whoever cannot see the plan learns nothing about it.
    const visible = !!actor.regionPath && plan.regionPath.startsWith(actor.regionPath);
    await this.ds.transaction(async (em) => {
      const target = await this.repo.findTargetForUpdate(em, plan.id, position);
      const assigned = !!target && !!actor.userId && target.inspectorIds.includes(actor.userId);
      if (!assigned && !visible) throw DomainError.notFound('Inspection plan');
      if (!target) throw DomainError.notFound('Inspection target');
      if (!assigned)
        throw new DomainError(ErrorCode.FORBIDDEN, 'Only the two inspectors drawn for this enterprise act on it');
      if (target.checkedInAt) throw new DomainError(ErrorCode.CONFLICT, 'Already checked in');
      target.checkedInAt = this.clock.now();
      target.checkedInBy = actor.userId;
      target.checkInLatitude = dto.latitude;
      target.checkInLongitude = dto.longitude;
      await this.repo.saveTarget(em, target);
      await this.audit.record(em, actor, {
        action: 'inspection.check_in',
        entityType: 'inspection_target',
        entityId: target.id,
        enterpriseId: target.enterpriseId,
        regionPath: plan.regionPath,
        after: { planId: plan.id, position, latitude: dto.latitude, longitude: dto.longitude },
      });
    });
    return this.view(plan);
  }

  /**
   * The target a case is opened from (立案 after an inspection): an enterprise drawn in a plan the actor sees
   * (or was drawn to inspect).
   * Whether the actor may regulate the enterprise is the caller's to check.
   */
  async caseTarget(actor: Actor, planId: string, position: number): Promise<{ id: string; enterpriseId: string }> {
    const plan = await this.repo.findPlan(planId);
    const scope = this.scopePath(actor);
    if (!plan) throw DomainError.notFound('Inspection plan');
    const target = await this.repo.findTarget(plan.id, position);
    // As on site: the plan's region sees it, and so do the two inspectors drawn for the target.
    const visible = !scope || plan.regionPath.startsWith(scope);
    const assigned = !!target && !!actor.userId && target.inspectorIds.includes(actor.userId);
    if (!visible && !assigned) throw DomainError.notFound('Inspection plan');
    if (!target) throw DomainError.notFound('Inspection target');
    return { id: target.id, enterpriseId: target.enterpriseId };
  }

  /** What a case shows of the inspection it came from: the plan, its title and the target's place in the draw. */
  async targetRefs(ids: string[]): Promise<{ id: string; planId: string; planTitle: string; position: number }[]> {
    return (await this.repo.targetRefs([...new Set(ids)])).map((r) => ({ ...r, position: Number(r.position) }));
  }

  /** 一公开: anyone may read a plan's draw and re-run it; no personal data. */
  async getPublic(id: string): Promise<PublicInspectionPlanView> {
    const plan = await this.repo.findPlan(id);
    // 四不两直: a targeted visit is not announced, so its plan is not published.
    if (!plan || plan.kind === 'targeted') throw DomainError.notFound('Inspection plan');
    const targets = await this.repo.targetsOf(plan.id);
    const names = await this.enterpriseNames(plan.candidates.map((c) => c.enterpriseId));
    const regionNames = await this.regionNames([plan.regionCode]);
    const position = new Map(plan.inspectorPool.map((id, i) => [id, i + 1]));
    return {
      ...this.summary(plan, regionNames.get(plan.regionCode) ?? plan.regionCode),
      weights: plan.weights,
      seed: plan.seed,
      inspectorCount: plan.inspectorPool.length,
      candidates: plan.candidates.map((c) => ({ ...c, enterpriseName: names.get(c.enterpriseId) ?? '' })),
      targets: targets.map((t) => ({
        position: t.position,
        enterpriseName: names.get(t.enterpriseId) ?? '',
        weight: t.weight,
        inspectorPositions: t.inspectorIds.map((i) => position.get(i) ?? 0),
      })),
      reproducible: this.reproduces(plan, targets),
    };
  }

  /** The draw re-run from what the plan recorded gives what the plan recorded. */
  reproduces(plan: InspectionPlan, targets: InspectionTarget[]): boolean {
    const again = drawInspection(plan.seed, plan.candidates, plan.weights, plan.inspectorPool, plan.sampleSize);
    return (
      again.length === targets.length &&
      again.every(
        (d, i) =>
          d.enterpriseId === targets[i].enterpriseId &&
          d.inspectorIds[0] === targets[i].inspectorIds[0] &&
          d.inspectorIds[1] === targets[i].inspectorIds[1],
      )
    );
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Regulators see their subtree, platform admins everything; the controller admits no one else. */
  private scopePath(actor: Actor): string | null {
    if (actor.role === Role.PlatformAdmin) return null;
    if (actor.role === Role.Regulator && actor.regionPath) return actor.regionPath;
    throw new DomainError(ErrorCode.FORBIDDEN, 'Inspection plans are for regulators');
  }

  private async view(plan: InspectionPlan): Promise<InspectionPlanView> {
    const targets = await this.repo.targetsOf(plan.id);
    const names = await this.enterpriseNames(plan.candidates.map((c) => c.enterpriseId));
    const people = await this.users.displayNames([
      ...plan.inspectorPool,
      ...targets.flatMap((t) => (t.checkedInBy ? [t.checkedInBy] : [])),
    ]);
    const regionNames = await this.regionNames([plan.regionCode]);
    const person = (id: string) => ({ id, displayName: people.get(id) ?? '' });
    return {
      ...this.summary(plan, regionNames.get(plan.regionCode) ?? plan.regionCode),
      weights: plan.weights,
      seed: plan.seed,
      candidates: plan.candidates.map((c) => ({ ...c, enterpriseName: names.get(c.enterpriseId) ?? '' })),
      inspectorPool: plan.inspectorPool.map(person),
      targets: targets.map((t) => ({
        position: t.position,
        enterpriseId: t.enterpriseId,
        enterpriseName: names.get(t.enterpriseId) ?? '',
        weight: t.weight,
        inspectors: t.inspectorIds.map(person),
        checkedInAt: t.checkedInAt,
        checkedInByName: t.checkedInBy ? (people.get(t.checkedInBy) ?? '') : null,
      })),
      reason: plan.reason,
      source: plan.source,
    };
  }

  private summary(p: InspectionPlan, regionName: string): InspectionPlanSummaryView {
    return {
      id: p.id,
      title: p.title,
      regionCode: p.regionCode,
      regionName,
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
      sampleSize: p.sampleSize,
      drawnAt: p.drawnAt,
      kind: p.kind,
    };
  }

  private async enterpriseNames(ids: string[]): Promise<Map<string, string>> {
    const list = await this.enterprises.findByIds(ids);
    return new Map(list.map((e) => [e.id, e.name]));
  }

  private async regionNames(codes: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const code of new Set(codes)) {
      const r = await this.regions.findByCode(code);
      if (r) out.set(code, r.name);
    }
    return out;
  }
}
