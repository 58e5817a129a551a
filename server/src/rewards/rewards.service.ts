import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { HazardCategory, HazardLevel } from '../hazards/hazard-rules';
import { HazardsService } from '../hazards/hazards.service';
import { RegionLevel } from '../regions/region.entity';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { normaliseTrackingCode, REPORT_LOOKUP, ReportLookup } from '../reports/report-lookup';
import { USER_NAME_LOOKUP, UserNameLookup } from '../users/user-name-lookup';
import { ListRewardsQueryDto, PayRewardDto, ProposeRewardDto, SetRewardRuleDto } from './dto/reward.dto';
import { Reward, RewardRule, RewardState } from './reward.entity';
import { PublicRewardStatusView, RewardRuleView, RewardView } from './reward.view';
import { RewardsRepository } from './rewards.repository';

const COUNTY_OR_ABOVE: ReadonlySet<RegionLevel> = new Set([RegionLevel.Province, RegionLevel.City, RegionLevel.County]);

/**
 * 查实即奖、网上奖励: the county sets the amounts (by hazard category and level); a regulator proposes the
 * reward of a confirmed report at the amount the table gives, a second regulator approves it, and the
 * payment is recorded with its date and reference. The reporter follows the state with the tracking code.
 */
@Injectable()
export class RewardsService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly hazards: HazardsService,
    @Inject(REPORT_LOOKUP) private readonly reports: ReportLookup,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(USER_NAME_LOOKUP) private readonly users: UserNameLookup,
  ) {}

  // ---- the county's table -----------------------------------------------------------------------

  async rules(actor: Actor): Promise<RewardRuleView[]> {
    return (await this.rewards.rulesOnPath(this.regulator(actor).regionPath)).map(toRuleView);
  }

  async setRule(actor: Actor, dto: SetRewardRuleDto): Promise<RewardRuleView> {
    const r = this.regulator(actor);
    const region = await this.regions.findByCode(r.regionCode);
    if (!region || !COUNTY_OR_ABOVE.has(region.level))
      throw new DomainError(ErrorCode.FORBIDDEN, 'The reward table is set by county regulators');
    const saved = await this.ds.transaction(async (em) => {
      const existing = await this.rewards.findRule(em, region.code, dto.category, dto.level);
      const before = existing ? { amountYuan: existing.amountYuan } : null;
      const rule = await this.rewards.saveRule(em, {
        ...(existing ?? {}),
        regionCode: region.code,
        regionPath: region.path,
        category: dto.category,
        level: dto.level,
        amountYuan: dto.amountYuan,
        updatedBy: r.userId,
        updatedAt: this.clock.now(),
      });
      await this.audit.record(em, actor, {
        action: 'reward_rule.set',
        entityType: 'reward_rule',
        entityId: rule.id,
        regionPath: region.path,
        before,
        after: { category: rule.category, level: rule.level, amountYuan: rule.amountYuan },
      });
      return rule;
    });
    return toRuleView(saved);
  }

  // ---- rewards ----------------------------------------------------------------------------------

  async list(actor: Actor, q: ListRewardsQueryDto): Promise<Paginated<RewardView>> {
    const path = actor.role === Role.PlatformAdmin ? null : this.regulator(actor).regionPath;
    const [rows, total] = await this.rewards.list(
      path,
      { state: q.state, reportId: q.reportId },
      offsetOf(q),
      q.pageSize,
    );
    return paginate(await this.views(actor, rows), total, q);
  }

  async get(actor: Actor, id: string): Promise<RewardView> {
    return (await this.views(actor, [await this.readable(actor, id)]))[0];
  }

  async propose(actor: Actor, dto: ProposeRewardDto): Promise<RewardView> {
    const r = this.regulator(actor);
    const report = await this.reports.findFacts(dto.reportId);
    if (!report || !report.regionPath?.startsWith(r.regionPath)) throw DomainError.notFound('Report');
    if (!report.confirmed)
      throw new DomainError(ErrorCode.REPORT_NOT_CONFIRMED, 'Only a confirmed (查实) report earns a reward');
    const hazard = await this.hazards.ofReport(report.id);
    if (!hazard) throw new DomainError(ErrorCode.REWARD_NEEDS_HAZARD, 'Register the hazard this report revealed first');
    const rule = await this.rewards.ruleFor(report.regionPath, hazard.category, hazard.level);
    if (!rule)
      throw new DomainError(ErrorCode.REWARD_RULE_MISSING, 'The county has no amount for this category and level');
    if (await this.rewards.findByReport(report.id))
      throw new DomainError(ErrorCode.INVALID_STATE, 'This report already has a reward');
    const saved = await this.ds.transaction(async (em) => {
      const w = await this.rewards.insertReward(em, {
        reportId: report.id,
        hazardId: hazard.id,
        ruleId: rule.id,
        regionPath: report.regionPath!,
        category: hazard.category,
        level: hazard.level,
        amountYuan: rule.amountYuan,
        state: RewardState.Proposed,
        proposedBy: r.userId,
        proposedAt: this.clock.now(),
        approvedBy: null,
        approvedAt: null,
        paidAt: null,
        paymentReference: null,
        paidRecordedBy: null,
      });
      await this.audit.record(em, actor, {
        action: 'reward.propose',
        entityType: 'reward',
        entityId: w.id,
        regionPath: w.regionPath,
        after: snapshot(w),
      });
      return w;
    });
    return (await this.views(actor, [saved]))[0];
  }

  async approve(actor: Actor, id: string): Promise<RewardView> {
    const r = this.regulator(actor);
    return this.step(actor, id, 'reward.approve', (w) => {
      if (w.state !== RewardState.Proposed) throw new DomainError(ErrorCode.INVALID_STATE, `The reward is ${w.state}`);
      if (w.proposedBy === r.userId)
        throw new DomainError(ErrorCode.REWARD_SELF_APPROVAL, 'Another regulator must approve this reward');
      w.state = RewardState.Approved;
      w.approvedBy = r.userId;
      w.approvedAt = this.clock.now();
    });
  }

  async pay(actor: Actor, id: string, dto: PayRewardDto): Promise<RewardView> {
    const r = this.regulator(actor);
    const paidAt = new Date(dto.paidAt);
    if (paidAt.getTime() > this.clock.now().getTime())
      throw DomainError.invalid(
        'paidAt',
        'inFuture',
        '支付日期不能晚于今天 (the payment date cannot be in the future)',
      );
    return this.step(actor, id, 'reward.pay', (w) => {
      if (w.state !== RewardState.Approved)
        throw new DomainError(ErrorCode.INVALID_STATE, 'Only an approved reward can be paid');
      if (paidAt.getTime() < w.approvedAt!.getTime())
        throw DomainError.invalid('paidAt', 'beforeApproval', '支付日期早于审批日期 (paid before it was approved)');
      w.state = RewardState.Paid;
      w.paidAt = paidAt;
      w.paymentReference = dto.paymentReference;
      w.paidRecordedBy = r.userId;
    });
  }

  /** The reporter's view: only the state and amount of their own report's reward. */
  async publicStatus(rawTrackingCode: string): Promise<PublicRewardStatusView> {
    const code = normaliseTrackingCode(rawTrackingCode);
    if (!code)
      throw DomainError.invalid(
        'trackingCode',
        'malformed',
        '查询码应为 10 位字母数字 (a tracking code has 10 letters and digits)',
      );
    const reportId = await this.reports.findIdByTrackingCode(code);
    if (!reportId) throw new DomainError(ErrorCode.NOT_FOUND, '查无此举报 (no report has this tracking code)');
    const w = await this.rewards.findByReport(reportId);
    return {
      state: w?.state ?? null,
      amountYuan: w?.amountYuan ?? null,
      paidAt: w?.paidAt?.toISOString() ?? null,
    };
  }

  // ---- internals --------------------------------------------------------------------------------

  private async step(
    actor: Actor,
    id: string,
    action: 'reward.approve' | 'reward.pay',
    change: (w: Reward) => void,
  ): Promise<RewardView> {
    const saved = await this.ds.transaction(async (em) => {
      const w = await this.rewards.findByIdForUpdate(em, id);
      if (!w || !this.inScope(actor, w)) throw DomainError.notFound('Reward');
      const before = snapshot(w);
      change(w);
      const s = await this.rewards.saveReward(em, w);
      await this.audit.record(em, actor, {
        action,
        entityType: 'reward',
        entityId: w.id,
        regionPath: w.regionPath,
        before,
        after: snapshot(s),
      });
      return s;
    });
    return (await this.views(actor, [saved]))[0];
  }

  private async readable(actor: Actor, id: string): Promise<Reward> {
    const w = await this.rewards.findById(id);
    if (!w || !this.inScope(actor, w)) throw DomainError.notFound('Reward');
    return w;
  }

  private inScope(actor: Actor, w: Reward): boolean {
    if (actor.role === Role.PlatformAdmin) return true;
    return !!actor.regionPath && actor.role === Role.Regulator && w.regionPath.startsWith(actor.regionPath);
  }

  private regulator(actor: Actor): { userId: string; regionPath: string; regionCode: string } {
    if (actor.role !== Role.Regulator || !actor.regionPath || !actor.regionCode || !actor.userId)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators handle rewards');
    return { userId: actor.userId, regionPath: actor.regionPath, regionCode: actor.regionCode };
  }

  private async views(actor: Actor, rows: Reward[]): Promise<RewardView[]> {
    const [names, codes] = await Promise.all([
      this.users.displayNames([
        ...new Set(rows.flatMap((w) => [w.proposedBy, ...(w.approvedBy ? [w.approvedBy] : [])])),
      ]),
      this.reports.trackingCodes(rows.map((w) => w.reportId)),
    ]);
    return rows.map((w) => ({
      id: w.id,
      reportId: w.reportId,
      reportTrackingCode: codes.get(w.reportId) ?? '',
      hazardId: w.hazardId,
      category: w.category as HazardCategory,
      level: w.level as HazardLevel,
      amountYuan: w.amountYuan,
      state: w.state,
      proposedByName: names.get(w.proposedBy) ?? '',
      proposedAt: w.proposedAt.toISOString(),
      approvedByName: w.approvedBy ? (names.get(w.approvedBy) ?? '') : null,
      approvedAt: w.approvedAt?.toISOString() ?? null,
      paidAt: w.paidAt?.toISOString() ?? null,
      paymentReference: w.paymentReference,
      canApprove: w.state === RewardState.Proposed && actor.role === Role.Regulator && actor.userId !== w.proposedBy,
    }));
  }
}

function toRuleView(r: RewardRule): RewardRuleView {
  return {
    id: r.id,
    regionCode: r.regionCode,
    category: r.category as HazardCategory,
    level: r.level as HazardLevel,
    amountYuan: r.amountYuan,
    updatedAt: r.updatedAt.toISOString(),
  };
}

function snapshot(w: Reward): Record<string, unknown> {
  return {
    state: w.state,
    reportId: w.reportId,
    amountYuan: w.amountYuan,
    approvedBy: w.approvedBy,
    paidAt: w.paidAt?.toISOString() ?? null,
    paymentReference: w.paymentReference,
  };
}
