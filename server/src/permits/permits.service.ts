import { Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { certificateNumberMasked } from '../welders/welder-views';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { isUuid } from '../common/validation/uuid';
import { Enterprise } from '../enterprises/enterprise.entity';
import { CreatePermitDto } from './dto/create-permit.dto';
import { EvaluateDto } from './dto/evaluate.dto';
import { ListPermitsQuery } from './dto/list-permits.query';
import { UpdatePermitDto } from './dto/update-permit.dto';
import { PermitFireWatcher } from './fire-watcher';
import { PermitAccess } from './permit-access';
import { PermitEvaluationContext } from './permit-context';
import { PermitDecision, PermitEvaluationInput } from './permit-decision';
import { PermitEligibility } from './permit-eligibility';
import { PermitEvaluator } from './permit-evaluator';
import { FormGuideQuery } from './dto/form-guide.query';
import { ANALYSIS_MAX_AGE_MIN, LelClass, PASS_MARK_PERCENT_VOL, PAUSE_LIMIT_MIN } from './gas-rules';
import { effectiveLevel, MAX_WINDOW_HOURS, maxEndFor, PermitLevel } from './permit-levels';
import { PermitFormGuideView, PermitPrintView } from './permit-guide.view';
import { PermitWorkflowService } from './permit-workflow.service';
import { chinaDate } from '../common/time/china-date';
import {
  assertStartNotPast,
  assertWindowFits,
  assertWindowOrder,
  auditSnapshot,
  mergeChecklist,
  toGeofence,
} from './permit-rules';
import { PermitSettingsRepository } from './permit-settings.repository';
import { PermitPolicyService } from './permit-policy.service';
import { PermitSettingsService } from './permit-settings.service';
import { assertTransition, displayStatus, PermitStatus } from './permit-status';
import { PermitDetailView, PermitSummaryView, PermitViews } from './permit-view';
import { Permit } from './permit.entity';
import { PermitsRepository } from './permits.repository';

/**
 * Hot-work permits: drafting, reading, and the one call the authorization engine needs
 * (evaluate). The approval workflow lives in PermitWorkflowService.
 */
@Injectable()
export class PermitsService {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly settingsRepo: PermitSettingsRepository,
    private readonly settings: PermitSettingsService,
    private readonly eligibility: PermitEligibility,
    private readonly evaluator: PermitEvaluator,
    private readonly permitAccess: PermitAccess,
    private readonly views: PermitViews,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly fireWatcher: PermitFireWatcher,
    private readonly policy: PermitPolicyService,
    private readonly workflow: PermitWorkflowService,
    @Inject(WELDER_ROSTER) private readonly welderRoster: WelderRoster,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  /** May welder W weld with machine M at place P and time T under permit X? Never throws; fails closed. */
  evaluate(input: PermitEvaluationInput): Promise<PermitDecision> {
    return this.evaluator.evaluate(input);
  }

  /**
   * The same verdict over a context the caller loaded with permitContextSql in its own statement
   * (the arc authorization's hot path). Never throws; fails closed.
   */
  evaluateLoaded(input: PermitEvaluationInput, ctx: PermitEvaluationContext): PermitDecision {
    return this.evaluator.evaluateLoaded(input, ctx);
  }

  /** Telemetry reports arcs here so that the pause rule of gas analysis can be applied. */
  async recordArcActivity(permitId: string, arcStartedAt: Date, arcEndedAt?: Date | null): Promise<boolean> {
    if (
      Number.isNaN(arcStartedAt.getTime()) ||
      (arcEndedAt && (Number.isNaN(arcEndedAt.getTime()) || arcEndedAt < arcStartedAt))
    ) {
      throw DomainError.invalid('arcEndedAt', 'afterStart', 'An arc must end after it starts');
    }
    if (!isUuid(permitId)) return false;
    return this.permits.recordArcActivity(permitId, arcStartedAt, arcEndedAt ?? null);
  }

  async evaluateFor(actor: Actor, id: string, dto: EvaluateDto): Promise<PermitDecision> {
    await this.permitAccess.loadReadable(actor, id);
    return this.evaluate({
      permitId: id,
      welderId: dto.welderId,
      machineId: dto.machineId,
      at: dto.at ? new Date(dto.at) : this.clock.now(),
      position: dto.position,
      continuousGasOk: dto.continuousGasOk,
    });
  }

  async list(actor: Actor, q: ListPermitsQuery): Promise<Paginated<PermitSummaryView>> {
    const now = this.clock.now();
    const [rows, total] = await this.permits.listVisible(
      actor,
      {
        status: q.status,
        level: q.level,
        enterpriseId: q.enterpriseId,
        welderId: q.welderId,
        machineId: q.machineId,
        activeAt: q.activeAt ? new Date(q.activeAt) : undefined,
        offset: offsetOf(q),
        limit: q.pageSize,
      },
      now,
    );
    return paginate(await this.views.summaries(rows, now), total, q);
  }

  async get(actor: Actor, id: string): Promise<PermitDetailView> {
    const { permit } = await this.permitAccess.loadReadable(actor, id);
    return this.views.detail(permit, this.clock.now(), await this.workflow.canDecide(actor, permit));
  }

  /** The printable 动火安全作业票: the detail, the welders' certificates (masked), a QR code of the permit's link. */
  async printable(actor: Actor, id: string): Promise<PermitPrintView> {
    const detail = await this.get(actor, id);
    const welderIds = detail.welders.map((w) => w.id);
    const [welders, certs] = await Promise.all([
      this.welderRoster.findWelders(welderIds),
      this.welderRoster.findWeldingCertificates(welderIds),
    ]);
    const link = `${this.config.publicBaseUrl}/permits/${id}/print`;
    const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      permit: detail,
      welders: detail.welders.map((w) => {
        const record = welders.find((x) => x.id === w.id);
        const latest = certs
          .filter((c) => c.welderId === w.id)
          .map((c) => c.expiresOn)
          .sort()
          .pop();
        return {
          id: w.id,
          realName: w.realName,
          certificateNumberMasked: record ? certificateNumberMasked(record.idNumberMasked) : '',
          certificateExpiresOn: latest ?? null,
        };
      }),
      link,
      qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }

  /** The menu badge: permits whose current approval step is the caller's to sign. */
  async awaitingMe(actor: Actor): Promise<{ count: number }> {
    if (!actor.userId || !actor.enterpriseId) return { count: 0 };
    const positions = await this.settings.positionsOfUser(actor.userId, actor.enterpriseId);
    return { count: await this.permits.countAwaiting(actor.userId, actor.enterpriseId, positions) };
  }

  /**
   * What the form shows before submit, by the rules submission applies: the effective level and its
   * maximum window, the gas analysis rules, who signs each step, and every welder and machine of
   * the enterprise with the reason it cannot work in the window (if any).
   */
  async formGuide(actor: Actor, q: FormGuideQuery): Promise<PermitFormGuideView> {
    const start = new Date(q.plannedStart),
      end = new Date(q.plannedEnd);
    assertWindowOrder(start, end);
    const enterpriseId = q.enterpriseId ?? actor.enterpriseId;
    if (!enterpriseId) throw DomainError.invalid('enterpriseId', 'required', 'enterpriseId is required');
    const em = this.ds.manager;
    const enterprise = await this.settingsRepo.findEnterprise(enterpriseId, em);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertManageable(actor, enterprise, 'Enterprise');
    const settings = await this.settings.effectiveSettings(enterprise.id, em);
    const rules = await this.policy.windowRules(enterprise.regionPath, start, end, em);
    const level = effectiveLevel(q.level, start, end, settings, rules);
    const latestEnd = maxEndFor(level.effective, start);
    const [holders, candidates] = await Promise.all([
      this.settingsRepo.positionHolders(enterpriseId, em),
      this.eligibility.candidates(em, enterpriseId, start, end),
    ]);
    return {
      requestedLevel: q.level,
      effectiveLevel: level.effective,
      upgradeReasons: level.upgradeReasons,
      maxWindowHours: MAX_WINDOW_HOURS[level.effective],
      latestEnd,
      windowFits: end.getTime() <= latestEnd.getTime(),
      gas: {
        verdictNow: 'GAS_ANALYSIS_MISSING',
        maxAgeMin: ANALYSIS_MAX_AGE_MIN,
        pauseLimitMin: PAUSE_LIMIT_MIN[level.effective],
        passMarkLelAtLeast4: PASS_MARK_PERCENT_VOL[LelClass.AtLeast4],
        passMarkLelBelow4: PASS_MARK_PERCENT_VOL[LelClass.Below4],
        continuousMonitoring: level.effective === PermitLevel.Special,
      },
      approvers: settings.approvalChains[level.effective].map((position) => ({
        position,
        holders: holders
          .filter((h) => h.position === position)
          .map((h) => ({ userId: h.userId, displayName: h.displayName })),
      })),
      welders: candidates.welders,
      machines: candidates.machines,
    };
  }

  async create(actor: Actor, dto: CreatePermitDto): Promise<PermitDetailView> {
    const start = new Date(dto.plannedStart),
      end = new Date(dto.plannedEnd);
    assertStartNotPast(start, this.clock.now());
    assertWindowOrder(start, end);
    const enterpriseId = dto.enterpriseId ?? actor.enterpriseId;
    if (!enterpriseId) throw DomainError.invalid('enterpriseId', 'required', 'enterpriseId is required');
    const saved = await this.ds.transaction(async (em) => {
      const enterprise = await this.settingsRepo.findEnterprise(enterpriseId, em);
      if (!enterprise) throw DomainError.notFound('Enterprise');
      this.access.assertManageable(actor, enterprise, 'Enterprise');
      this.eligibility.assertEnterpriseActive(enterprise);
      const permit = em.create(Permit, {
        enterpriseId,
        permitNo: await this.permits.nextPermitNo(em, enterpriseId, Number(chinaDate(this.clock.now()).slice(0, 4))),
        status: PermitStatus.Draft,
        requestedLevel: dto.level,
        workDescription: dto.workDescription,
        siteAddress: dto.site.address,
        siteLatitude: dto.site.point.lat,
        siteLongitude: dto.site.point.lng,
        geofence: toGeofence(dto.site.geofence),
        plannedStart: start,
        plannedEnd: end,
        checklist: mergeChecklist({}, dto.checklist),
        applicantUserId: actor.userId!,
        applicantUsername: actor.username,
        approvalChain: null,
        approvalRound: 0,
        currentStep: 0,
        fireWatcherWelderId: null,
        fireWatcherName: null,
        fireWatcherPhoneEnc: null,
        fireWatcherPhoneMasked: null,
      });
      if (dto.fireWatcher) await this.fireWatcher.assign(em, permit, dto.fireWatcher.personId, dto.welderIds);
      await this.applyLevel(em, permit, enterprise);
      await this.eligibility.assertPartiesAvailable(em, enterpriseId, dto.welderIds, dto.machineIds, start, end);
      const row = await em.save(Permit, permit);
      await this.permits.replaceWelders(em, row.id, dto.welderIds);
      await this.permits.replaceMachines(em, row.id, dto.machineIds);
      await this.audit.record(em, actor, {
        action: 'permit.create',
        entityType: 'permit',
        entityId: row.id,
        enterpriseId,
        regionPath: enterprise.regionPath,
        after: { ...auditSnapshot(row), welderIds: dto.welderIds, machineIds: dto.machineIds },
      });
      return row;
    });
    return this.views.detail(saved, this.clock.now());
  }

  async update(actor: Actor, id: string, dto: UpdatePermitDto): Promise<PermitDetailView> {
    const saved = await this.ds.transaction(async (em) => {
      const { permit, enterprise } = await this.permitAccess.loadManageable(actor, id, em);
      assertTransition('update', displayStatus(permit, this.clock.now()));
      const before = {
        ...auditSnapshot(permit),
        welderIds: await this.permits.namedWelderIds(id, em),
        machineIds: await this.permits.namedMachineIds(id, em),
      };
      if (dto.level) permit.requestedLevel = dto.level;
      if (dto.workDescription !== undefined) permit.workDescription = dto.workDescription;
      if (dto.site) {
        permit.siteAddress = dto.site.address;
        permit.siteLatitude = dto.site.point.lat;
        permit.siteLongitude = dto.site.point.lng;
        permit.geofence = toGeofence(dto.site.geofence);
      }
      if (dto.plannedStart) {
        permit.plannedStart = new Date(dto.plannedStart);
        assertStartNotPast(permit.plannedStart, this.clock.now());
      }
      if (dto.plannedEnd) permit.plannedEnd = new Date(dto.plannedEnd);
      assertWindowOrder(permit.plannedStart, permit.plannedEnd);
      if (dto.checklist) permit.checklist = mergeChecklist(permit.checklist, dto.checklist);
      await this.applyLevel(em, permit, enterprise);
      const welderIds = dto.welderIds ?? before.welderIds;
      // A new watcher, or new welders next to the old one: either way they must be different people.
      const watcherId = dto.fireWatcher?.personId ?? permit.fireWatcherWelderId;
      if (watcherId) await this.fireWatcher.assign(em, permit, watcherId, welderIds);
      const machineIds = dto.machineIds ?? before.machineIds;
      await this.eligibility.assertPartiesAvailable(
        em,
        permit.enterpriseId,
        welderIds,
        machineIds,
        permit.plannedStart,
        permit.plannedEnd,
      );
      const row = await em.save(Permit, permit);
      if (dto.welderIds) await this.permits.replaceWelders(em, id, dto.welderIds);
      if (dto.machineIds) await this.permits.replaceMachines(em, id, dto.machineIds);
      await this.audit.record(em, actor, {
        action: 'permit.update',
        entityType: 'permit',
        entityId: id,
        enterpriseId: permit.enterpriseId,
        regionPath: enterprise.regionPath,
        before,
        after: { ...auditSnapshot(row), welderIds, machineIds },
      });
      return row;
    });
    return this.views.detail(saved, this.clock.now());
  }

  /**
   * Effective level from the statutory holidays, the regulators' special periods and the enterprise's
   * own holidays and night hours, then the window limit of that level.
   */
  private async applyLevel(em: EntityManager, permit: Permit, enterprise: Enterprise): Promise<PermitLevel> {
    const settings = await this.settings.effectiveSettings(enterprise.id, em);
    const rules = await this.policy.windowRules(enterprise.regionPath, permit.plannedStart, permit.plannedEnd, em);
    const d = effectiveLevel(permit.requestedLevel, permit.plannedStart, permit.plannedEnd, settings, rules);
    permit.effectiveLevel = d.effective;
    permit.levelUpgradeReasons = d.upgradeReasons;
    assertWindowFits(d.effective, permit.plannedStart, permit.plannedEnd);
    return d.effective;
  }
}
