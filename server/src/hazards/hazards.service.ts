import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { checkPhotos, UploadedPhoto } from '../common/files/photo-files';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { addDays, chinaDayStart } from '../common/time/china-date';
import type { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { MACHINE_LOOKUP, MachineLookup } from '../machines/machine-lookup';
import { MACHINE_ROSTER, MachineRoster } from '../machines/machine-roster';
import { PermitsService } from '../permits/permits.service';
import { RegionLevel } from '../regions/region.entity';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { REPORT_LOOKUP, ReportLookup } from '../reports/report-lookup';
import { USER_NAME_LOOKUP, UserNameLookup } from '../users/user-name-lookup';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import {
  CreateHazardDto,
  ListHazardsQueryDto,
  OrderRectificationDto,
  PromoteToHazardDto,
  RecordMeasureDto,
  ReportRectificationDto,
  SignOffDto,
  VerifyRectificationDto,
  WhereDto,
} from './dto/hazard.dto';
import { Hazard, HazardMeasure } from './hazard.entity';
import {
  CATEGORY_OF_ALERT,
  HazardCategory,
  HazardSource,
  HazardState,
  HazardStep,
  HazardLevel,
  isOverdue,
  overdueAlertKey,
} from './hazard-rules';
import {
  HazardActionsView,
  HazardDetailView,
  HazardMeasureView,
  HazardSummaryView,
  SlowProgressView,
} from './hazard.view';
import { HazardScope, HazardsRepository } from './hazards.repository';
import { HazardPhoto } from './hazard.entity';
import { InspectionFinding, InspectionHazardBrief, InspectionHazards } from './inspection-hazards';

/** Region levels whose regulators sign off major (重大) hazards. */
const COUNTY_OR_ABOVE: ReadonlySet<RegionLevel> = new Set([RegionLevel.Province, RegionLevel.City, RegionLevel.County]);
const ENTERPRISE_ROLES: ReadonlyArray<Actor['role']> = [Role.EnterpriseAdmin, Role.SafetyManager];

interface Place {
  latitude: number | null;
  longitude: number | null;
}

type NewHazard = Pick<
  Hazard,
  | 'machineId'
  | 'welderId'
  | 'permitId'
  | 'category'
  | 'level'
  | 'description'
  | 'legalBasis'
  | 'source'
  | 'sourceAlertId'
  | 'sourceReportId'
> &
  Place & { sourceInspectionTargetId?: string | null };

/**
 * 隐患台账: one register for every source (企业自查, 督导检查, 群众举报查实, 线上巡查), and the closed
 * loop 责令限期整改 → 整改报告 → 核查 → 销号. The sign-off is never by anyone who handled the item,
 * and a major hazard is signed off at county level. Every step is audited with who, when and where.
 */
@Injectable()
export class HazardsService implements InspectionHazards {
  constructor(
    private readonly hazards: HazardsRepository,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly alerts: AlertsService,
    private readonly permits: PermitsService,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(MACHINE_LOOKUP) private readonly machines: MachineLookup,
    @Inject(MACHINE_ROSTER) private readonly machineRoster: MachineRoster,
    @Inject(WELDER_ROSTER) private readonly welders: WelderRoster,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(REPORT_LOOKUP) private readonly reports: ReportLookup,
    @Inject(USER_NAME_LOOKUP) private readonly users: UserNameLookup,
  ) {}

  // ---- reading --------------------------------------------------------------------------------

  async list(actor: Actor, q: ListHazardsQueryDto): Promise<Paginated<HazardSummaryView>> {
    let regionPath: string | undefined;
    if (q.regionCode) {
      const region = await this.regions.findByCode(q.regionCode);
      if (!region) return paginate([], 0, q);
      regionPath = region.path;
    }
    const now = this.clock.now();
    const [rows, total] = await this.hazards.list(
      this.scopeOf(actor),
      {
        regionPath,
        enterpriseId: q.enterpriseId,
        category: q.category,
        level: q.level,
        state: q.state,
        source: q.source,
        sourceAlertId: q.sourceAlertId,
        sourceReportId: q.sourceReportId,
        overdueAt: q.overdue ? now : undefined,
        industry: q.industry,
        createdFrom: q.from ? chinaDayStart(q.from) : undefined,
        createdBefore: q.to ? chinaDayStart(addDays(q.to, 1)) : undefined,
      },
      offsetOf(q),
      q.pageSize,
    );
    return paginate(await this.summaries(actor, rows, now), total, q);
  }

  async get(actor: Actor, id: string): Promise<HazardDetailView> {
    return this.detail(actor, await this.readable(actor, id));
  }

  /** What an enforcement case needs of the hazard it is opened from; refused unless the caller regulates it. */
  async caseSubject(
    actor: Actor,
    id: string,
  ): Promise<Pick<Hazard, 'id' | 'enterpriseId' | 'regionCode' | 'regionPath' | 'machineId' | 'legalBasis'>> {
    const h = await this.readable(actor, id);
    this.assertRegulates(actor, h);
    return h;
  }

  /** The hazard a confirmed public report became (at most one), for the reward by category and level. */
  async ofReport(reportId: string): Promise<Pick<Hazard, 'id' | 'category' | 'level'> | null> {
    return this.hazards.findForReport(reportId);
  }

  async photo(actor: Actor, id: string, photoId: string): Promise<HazardPhoto> {
    await this.readable(actor, id);
    const p = await this.hazards.findPhotoWithData(id, photoId);
    if (!p) throw DomainError.notFound('Photo');
    return p;
  }

  /** 进展缓慢: enterprises with overdue items, and the letters, circulars, interviews and exposures recorded. */
  async slowProgress(actor: Actor): Promise<SlowProgressView[]> {
    const rows = await this.hazards.overdueByEnterprise(this.scopeOf(actor), this.clock.now());
    const ids = rows.map((r) => r.enterpriseId);
    const [enterprises, measures] = await Promise.all([this.enterprises.findByIds(ids), this.hazards.measuresOf(ids)]);
    const byId = new Map(enterprises.map((e) => [e.id, e]));
    const issuers = await this.users.displayNames(measures.flatMap((m) => (m.issuedBy ? [m.issuedBy] : [])));
    const regionNames = await this.regionNames(enterprises.map((e) => e.regionCode));
    return rows.map((r) => {
      const e = byId.get(r.enterpriseId);
      return {
        ...r,
        enterpriseName: e?.name ?? '',
        regionName: (e && regionNames.get(e.regionCode)) ?? null,
        measures: measures
          .filter((m) => m.enterpriseId === r.enterpriseId)
          .map((m) => ({
            ...toMeasureView(m),
            issuedByName: (m.issuedBy && issuers.get(m.issuedBy)) || m.issuedByName,
          })),
      };
    });
  }

  // ---- registering ----------------------------------------------------------------------------

  /** An enterprise's self-inspection finding, or a regulator's inspection finding. */
  async create(actor: Actor, dto: CreateHazardDto, files: UploadedPhoto[] | undefined): Promise<HazardDetailView> {
    const place = where(dto);
    const photos = hashed(checkPhotos(files));
    const own = this.isEnterpriseUser(actor);
    if (!own && actor.role !== Role.Regulator)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only enterprises and regulators register hazards');
    // An enterprise reports its own; naming another enterprise is refused like any record out of scope.
    const enterpriseId = own ? (dto.enterpriseId ?? actor.enterpriseId) : dto.enterpriseId;
    if (!enterpriseId) throw DomainError.invalid('enterpriseId', 'isNotEmpty', '请选择企业 (choose the enterprise)');
    const enterprise = await this.enterprises.findById(enterpriseId);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    if (own) this.access.assertManageable(actor, enterprise, 'Enterprise');
    else this.access.assertRegulable(actor, enterprise, 'Enterprise');
    await this.assertRefs(actor, enterprise, dto);
    return this.register(
      actor,
      enterprise,
      {
        machineId: dto.machineId ?? null,
        welderId: dto.welderId ?? null,
        permitId: dto.permitId ?? null,
        category: dto.category,
        level: dto.level,
        description: dto.description,
        legalBasis: dto.legalBasis ?? null,
        source: own ? HazardSource.SelfInspection : HazardSource.Inspection,
        sourceAlertId: null,
        sourceReportId: null,
        ...place,
      },
      photos,
    );
  }

  /**
   * 督导检查发现 on site (issue 15 §2): the inspections module has checked that the actor is one of the
   * two inspectors drawn for the enterprise; the register still requires a regulator of its region.
   */
  async registerInspectionFinding(
    actor: Actor,
    f: InspectionFinding,
    files: UploadedPhoto[] | undefined,
  ): Promise<(em: EntityManager) => Promise<{ id: string; photoCount: number }>> {
    this.assertRegulator(actor);
    const photos = hashed(checkPhotos(files));
    const enterprise = await this.enterprises.findById(f.enterpriseId);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertRegulable(actor, enterprise, 'Enterprise');
    if (f.machineId) {
      const m = await this.machines.findWithEnterprise(f.machineId);
      if (!m || m.enterpriseId !== enterprise.id)
        throw DomainError.invalid(
          'machineId',
          'notOfEnterprise',
          '该焊机不属于此企业 (not a machine of this enterprise)',
        );
    }
    const finding: NewHazard = {
      machineId: f.machineId ?? null,
      welderId: null,
      permitId: null,
      category: f.category,
      level: f.level,
      description: f.description,
      legalBasis: f.legalBasis ?? null,
      source: HazardSource.Inspection,
      sourceAlertId: null,
      sourceReportId: null,
      sourceInspectionTargetId: f.inspectionTargetId,
      latitude: f.latitude,
      longitude: f.longitude,
    };
    return async (em) => {
      const h = await this.insertRegistered(em, actor, enterprise, finding, photos);
      return { id: h.id, photoCount: photos.length };
    };
  }

  /** 现场交办 inside the inspection's transaction, so that a record signed meanwhile gains no order. */
  async orderOnSite(
    em: EntityManager,
    actor: Actor,
    id: string,
    dto: OrderRectificationDto,
  ): Promise<{ deadline: Date | null }> {
    return { deadline: (await this.orderIn(em, actor, id, dto)).deadline };
  }

  /** What an inspection target's visit registered, for its on-site record and documents. */
  async ofInspectionTarget(targetId: string): Promise<InspectionHazardBrief[]> {
    const rows = await this.hazards.ofInspectionTarget(targetId);
    return rows.map((h) => ({
      id: h.id,
      category: h.category,
      level: h.level,
      state: h.state,
      description: h.description,
      legalBasis: h.legalBasis,
      deadline: h.deadline,
      machineId: h.machineId,
      createdAt: h.createdAt,
    }));
  }

  /** 线上巡查执法: a regulator turns a platform alert into a hazard in one click. */
  async fromAlert(actor: Actor, alertId: string, dto: PromoteToHazardDto): Promise<HazardDetailView> {
    this.assertRegulator(actor);
    const alert = await this.alerts.get(actor, alertId);
    // "Rectification overdue" is about a hazard that exists already: a second hazard would count it twice.
    if (alert.type === AlertType.HAZARD_OVERDUE)
      throw new DomainError(
        ErrorCode.INVALID_STATE,
        '该告警是已有隐患的逾期提醒，请处理原隐患 (the alert is about an existing hazard)',
        [],
        { reason: 'alert_about_hazard', hazardId: (alert.evidence as { hazardId?: string }).hazardId ?? null },
      );
    if (!alert.enterpriseId)
      throw new DomainError(
        ErrorCode.INVALID_STATE,
        '该告警不属于任何企业，无法转为隐患 (the alert names no enterprise)',
        [],
        { reason: 'no_enterprise' },
      );
    const enterprise = await this.enterprises.findById(alert.enterpriseId);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertRegulable(actor, enterprise, 'Alert');
    if (await this.hazards.existsForAlert(alertId)) throw duplicate('alert');
    const place = where(dto);
    return this.register(actor, enterprise, {
      machineId: alert.machineId,
      welderId: alert.welderId,
      permitId: alert.permitId,
      category: this.categoryOr(dto, CATEGORY_OF_ALERT[alert.type]),
      level: dto.level,
      description: dto.description ?? alert.title,
      legalBasis: dto.legalBasis ?? null,
      source: HazardSource.PlatformAlert,
      sourceAlertId: alert.id,
      sourceReportId: null,
      latitude: place.latitude ?? alert.placeLatitude,
      longitude: place.longitude ?? alert.placeLongitude,
    });
  }

  /** 群众举报查实: a confirmed public report becomes a hazard of the enterprise it placed (or the one the check found). */
  async fromReport(actor: Actor, reportId: string, dto: PromoteToHazardDto): Promise<HazardDetailView> {
    this.assertRegulator(actor);
    const report = await this.reports.findFacts(reportId);
    // The reports module's own scope: the regulator's subtree plus the reports nobody could place.
    if (!report || (report.regionPath !== null && !report.regionPath.startsWith(actor.regionPath ?? '\0')))
      throw DomainError.notFound('Report');
    if (!report.confirmed)
      throw new DomainError(
        ErrorCode.INVALID_STATE,
        '举报尚未查实，不能转为隐患 (only a confirmed report becomes a hazard)',
        [],
        { reason: 'report_not_confirmed', status: report.status },
      );
    const enterpriseId = report.enterpriseId ?? dto.enterpriseId;
    if (!enterpriseId)
      throw DomainError.invalid('enterpriseId', 'isNotEmpty', '请选择被举报的企业 (choose the enterprise)');
    const enterprise = await this.enterprises.findById(enterpriseId);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertRegulable(actor, enterprise, 'Enterprise');
    if (await this.hazards.existsForReport(reportId)) throw duplicate('report');
    const place = where(dto);
    return this.register(actor, enterprise, {
      machineId: report.enterpriseId === enterprise.id ? report.machineId : null,
      welderId: null,
      permitId: null,
      category: this.categoryOr(dto, undefined),
      level: dto.level,
      description: dto.description ?? report.description,
      legalBasis: dto.legalBasis ?? null,
      source: HazardSource.PublicReport,
      sourceAlertId: null,
      sourceReportId: report.id,
      latitude: place.latitude ?? report.latitude,
      longitude: place.longitude ?? report.longitude,
    });
  }

  // ---- the loop -------------------------------------------------------------------------------

  /** 责令限期整改. */
  async order(actor: Actor, id: string, dto: OrderRectificationDto): Promise<HazardDetailView> {
    return this.detail(actor, await this.ds.transaction((em) => this.orderIn(em, actor, id, dto)));
  }

  private async orderIn(em: EntityManager, actor: Actor, id: string, dto: OrderRectificationDto): Promise<Hazard> {
    this.assertRegulator(actor);
    const deadline = this.futureDeadline(dto.deadline);
    return this.stepIn(em, actor, id, dto, async (h) => {
      this.assertRegulates(actor, h);
      expectState(h, HazardState.Open);
      h.deadline = deadline;
      addHandler(h, actor);
      return { step: HazardStep.Ordered, to: HazardState.Ordered, note: dto.note, deadline };
    });
  }

  /** The enterprise reports its rectification, with evidence. */
  async rectify(
    actor: Actor,
    id: string,
    dto: ReportRectificationDto,
    files: UploadedPhoto[] | undefined,
  ): Promise<HazardDetailView> {
    const photos = hashed(checkPhotos(files));
    if (!this.isEnterpriseUser(actor))
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only the enterprise reports its rectification');
    return this.step(
      actor,
      id,
      dto,
      async (h, em) => {
        this.access.assertManageable(actor, { id: h.enterpriseId, regionPath: h.regionPath }, 'Hazard');
        expectState(h, HazardState.Ordered);
        // The overdue condition has cleared: the rectification is in.
        if (h.overdueAlertedFor)
          await this.alerts.closeByDedupeKey(overdueAlertKey(h.id, h.overdueAlertedFor), '企业已报告整改', em);
        return { step: HazardStep.Rectified, to: HazardState.Rectified, note: dto.note };
      },
      photos,
    );
  }

  /** The regulator checks the rectification on site or on paper: passed → verified, else back to the enterprise. */
  async verify(actor: Actor, id: string, dto: VerifyRectificationDto): Promise<HazardDetailView> {
    return this.detail(actor, await this.ds.transaction((em) => this.verifyIn(em, actor, id, dto)));
  }

  /** 现场验收 inside the inspection's transaction, which audits the visit's side of it. */
  async verifyOnSite(
    em: EntityManager,
    actor: Actor,
    id: string,
    dto: VerifyRectificationDto,
  ): Promise<{ state: HazardState }> {
    return { state: (await this.verifyIn(em, actor, id, dto)).state };
  }

  private async verifyIn(em: EntityManager, actor: Actor, id: string, dto: VerifyRectificationDto): Promise<Hazard> {
    this.assertRegulator(actor);
    const newDeadline = !dto.passed && dto.deadline ? this.futureDeadline(dto.deadline) : null;
    return this.stepIn(em, actor, id, dto, async (h) => {
      this.assertRegulates(actor, h);
      expectState(h, HazardState.Rectified);
      addHandler(h, actor);
      if (dto.passed) {
        h.verifiedBy = actor.userId;
        return { step: HazardStep.Verified, to: HazardState.Verified, note: dto.note, onSite: dto.onSite };
      }
      if (newDeadline) h.deadline = newDeadline;
      return {
        step: HazardStep.Returned,
        to: HazardState.Ordered,
        note: dto.note,
        onSite: dto.onSite,
        deadline: h.deadline,
      };
    });
  }

  /** 销号, by someone who did not handle the item (and, for a major hazard, at county level); or sent back. */
  async signOff(actor: Actor, id: string, dto: SignOffDto): Promise<HazardDetailView> {
    this.assertRegulator(actor);
    const county = await this.isCountyRegulator(actor);
    const newDeadline = !dto.approve && dto.deadline ? this.futureDeadline(dto.deadline) : null;
    return this.step(actor, id, dto, async (h) => {
      this.assertRegulates(actor, h);
      expectState(h, HazardState.Verified);
      if (actor.userId && h.handlerIds.includes(actor.userId))
        throw new DomainError(
          ErrorCode.SIGN_OFF_BY_HANDLER,
          '经办人不能对本人经办的隐患销号 (whoever handled a hazard may not sign it off)',
        );
      if (h.level === HazardLevel.Major && !county)
        throw new DomainError(
          ErrorCode.SIGN_OFF_NEEDS_COUNTY,
          '重大隐患须由县级监管部门销号 (a major hazard is signed off at county level)',
        );
      if (dto.approve) {
        h.signedOffBy = actor.userId;
        h.signedOffAt = this.clock.now();
        return { step: HazardStep.SignedOff, to: HazardState.SignedOff, note: dto.note };
      }
      // Sending back makes this person a handler too: they have judged the item.
      addHandler(h, actor);
      h.verifiedBy = null;
      if (newDeadline) h.deadline = newDeadline;
      return { step: HazardStep.Returned, to: HazardState.Ordered, note: dto.note, deadline: h.deadline };
    });
  }

  /** 函告、通报、约谈、曝光 against an enterprise. */
  async recordMeasure(actor: Actor, dto: RecordMeasureDto): Promise<HazardMeasureView> {
    this.assertRegulator(actor);
    const enterprise = await this.enterprises.findById(dto.enterpriseId);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertRegulable(actor, enterprise, 'Enterprise');
    if (dto.hazardId) {
      const h = await this.hazards.findById(dto.hazardId);
      if (!h || h.enterpriseId !== enterprise.id)
        throw DomainError.invalid(
          'hazardId',
          'notOfEnterprise',
          '该隐患不属于此企业 (the hazard is not this enterprise’s)',
        );
    }
    const m = await this.ds.transaction(async (em) => {
      const saved = await this.hazards.insertMeasure(em, {
        enterpriseId: enterprise.id,
        regionPath: enterprise.regionPath,
        hazardId: dto.hazardId ?? null,
        kind: dto.kind,
        note: dto.note,
        issuedBy: actor.userId,
        issuedByName: (
          (actor.userId && (await this.users.displayNames([actor.userId])).get(actor.userId)) ||
          actor.username
        ).slice(0, 100),
        issuedAt: this.clock.now(),
      });
      await this.audit.record(em, actor, {
        action: 'hazard.measure',
        entityType: 'hazard_measure',
        entityId: saved.id,
        enterpriseId: enterprise.id,
        regionPath: enterprise.regionPath,
        after: { kind: saved.kind, note: saved.note, hazardId: saved.hazardId },
      });
      return saved;
    });
    return toMeasureView(m);
  }

  // ---- internals ------------------------------------------------------------------------------

  private async register(
    actor: Actor,
    enterprise: Enterprise,
    n: NewHazard,
    photos: PhotoIn[] = [],
  ): Promise<HazardDetailView> {
    const saved = await this.ds.transaction((em) => this.insertRegistered(em, actor, enterprise, n, photos));
    return this.detail(actor, saved);
  }

  private async insertRegistered(
    em: EntityManager,
    actor: Actor,
    enterprise: Enterprise,
    n: NewHazard,
    photos: PhotoIn[],
  ): Promise<Hazard> {
    const now = this.clock.now();
    const h = await this.hazards.insertHazard(em, {
      ...n,
      sourceInspectionTargetId: n.sourceInspectionTargetId ?? null,
      enterpriseId: enterprise.id,
      regionCode: enterprise.regionCode,
      regionPath: enterprise.regionPath,
      state: HazardState.Open,
      deadline: null,
      handlerIds: actor.role === Role.Regulator && actor.userId ? [actor.userId] : [],
      verifiedBy: null,
      signedOffBy: null,
      signedOffAt: null,
      overdueAlertedFor: null,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    const eventId = await this.hazards.appendEvent(em, {
      hazardId: h.id,
      step: HazardStep.Created,
      fromState: null,
      toState: HazardState.Open,
      note: null,
      deadline: null,
      onSite: null,
      actorUserId: actor.userId,
      actorName: actor.username.slice(0, 100),
      actorRole: actor.role,
      latitude: n.latitude,
      longitude: n.longitude,
      occurredAt: now,
    });
    await this.hazards.insertPhotos(em, h.id, eventId, photos);
    await this.audit.record(em, actor, {
      action: 'hazard.create',
      entityType: 'hazard',
      entityId: h.id,
      enterpriseId: h.enterpriseId,
      regionPath: h.regionPath,
      after: {
        state: h.state,
        source: h.source,
        category: h.category,
        level: h.level,
        description: h.description,
        legalBasis: h.legalBasis,
        machineId: h.machineId,
        welderId: h.welderId,
        permitId: h.permitId,
        // The report's id stays out of a log the enterprise reads: reports never reach enterprises.
        sourceAlertId: h.sourceAlertId,
        sourceInspectionTargetId: h.sourceInspectionTargetId,
        photoCount: photos.length,
        latitude: n.latitude,
        longitude: n.longitude,
      },
    });
    return h;
  }

  /** One audited step of the loop on the row-locked hazard. */
  private async step(
    actor: Actor,
    id: string,
    wherePlace: WhereDto,
    apply: (h: Hazard, em: EntityManager) => Promise<StepOutcome>,
    photos: PhotoIn[] = [],
  ): Promise<HazardDetailView> {
    const updated = await this.ds.transaction((em) => this.stepIn(em, actor, id, wherePlace, apply, photos));
    return this.detail(actor, updated);
  }

  private async stepIn(
    em: EntityManager,
    actor: Actor,
    id: string,
    wherePlace: WhereDto,
    apply: (h: Hazard, em: EntityManager) => Promise<StepOutcome>,
    photos: PhotoIn[] = [],
  ): Promise<Hazard> {
    const place = where(wherePlace);
    const h = await this.hazards.findByIdForUpdate(em, id);
    if (!h || !this.canRead(actor, h)) throw DomainError.notFound('Hazard');
    const from = h.state;
    const before = { state: h.state, deadline: h.deadline };
    const s = await apply(h, em);
    const now = this.clock.now();
    h.state = s.to;
    h.updatedAt = now;
    await this.hazards.saveHazard(em, h);
    const eventId = await this.hazards.appendEvent(em, {
      hazardId: h.id,
      step: s.step,
      fromState: from,
      toState: s.to,
      note: s.note,
      deadline: s.deadline ?? null,
      onSite: s.onSite ?? null,
      actorUserId: actor.userId,
      actorName: actor.username.slice(0, 100),
      actorRole: actor.role,
      latitude: place.latitude,
      longitude: place.longitude,
      occurredAt: now,
    });
    await this.hazards.insertPhotos(em, h.id, eventId, photos);
    await this.audit.record(em, actor, {
      action: AUDIT_OF_STEP[s.step],
      entityType: 'hazard',
      entityId: h.id,
      enterpriseId: h.enterpriseId,
      regionPath: h.regionPath,
      before,
      after: {
        state: h.state,
        deadline: h.deadline,
        note: s.note,
        onSite: s.onSite ?? null,
        photoCount: photos.length,
        latitude: place.latitude,
        longitude: place.longitude,
      },
    });
    return h;
  }

  private async detail(actor: Actor, h: Hazard): Promise<HazardDetailView> {
    const now = this.clock.now();
    const [[summary], events, photos, county] = await Promise.all([
      this.summaries(actor, [h], now),
      this.hazards.eventsOf(h.id),
      this.hazards.photosOf(h.id),
      this.isCountyRegulator(actor),
    ]);
    const names = await this.users.displayNames(events.flatMap((e) => (e.actorUserId ? [e.actorUserId] : [])));
    const { actions, signOffBlockedBy } = this.actionsFor(actor, h, county);
    return {
      ...summary,
      timeline: events.map((e) => ({
        id: e.id,
        step: e.step,
        fromState: e.fromState,
        toState: e.toState,
        note: e.note,
        deadline: e.deadline,
        onSite: e.onSite,
        actorName: (e.actorUserId && names.get(e.actorUserId)) || e.actorName,
        actorRole: e.actorRole,
        latitude: e.latitude,
        longitude: e.longitude,
        occurredAt: e.occurredAt,
      })),
      photos: photos.map((p) => ({
        id: p.id,
        eventId: p.eventId,
        position: p.position,
        contentType: p.contentType,
        sizeBytes: p.sizeBytes,
      })),
      actions,
      signOffBlockedBy,
    };
  }

  private actionsFor(
    actor: Actor,
    h: Hazard,
    county: boolean,
  ): { actions: HazardActionsView; signOffBlockedBy: HazardDetailView['signOffBlockedBy'] } {
    const regulates = actor.role === Role.Regulator && this.canRead(actor, h);
    const ownStaff = this.isEnterpriseUser(actor) && actor.enterpriseId === h.enterpriseId;
    let signOffBlockedBy: HazardDetailView['signOffBlockedBy'] = null;
    if (h.state === HazardState.Verified) {
      if (!regulates) signOffBlockedBy = 'role';
      else if (actor.userId && h.handlerIds.includes(actor.userId)) signOffBlockedBy = 'handler';
      else if (h.level === HazardLevel.Major && !county) signOffBlockedBy = 'county_only';
    }
    return {
      actions: {
        order: regulates && h.state === HazardState.Open,
        rectify: ownStaff && h.state === HazardState.Ordered,
        verify: regulates && h.state === HazardState.Rectified,
        signOff: h.state === HazardState.Verified && signOffBlockedBy === null,
        recordMeasure: regulates,
      },
      signOffBlockedBy,
    };
  }

  private async summaries(actor: Actor, rows: Hazard[], now: Date): Promise<HazardSummaryView[]> {
    const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];
    const [enterprises, machines, welders, regionNames] = await Promise.all([
      this.enterprises.findByIds(uniq(rows.map((r) => r.enterpriseId))),
      this.machineRoster.findMachines(uniq(rows.map((r) => r.machineId))),
      this.welders.findWelders(uniq(rows.map((r) => r.welderId))),
      this.regionNames(rows.map((r) => r.regionCode)),
    ]);
    const e = new Map(enterprises.map((x) => [x.id, x.name]));
    const m = new Map(machines.map((x) => [x.id, `${x.name}（${x.serialNumber}）`]));
    const w = new Map(welders.map((x) => [x.id, x.realName]));
    const enterpriseSide = this.isEnterpriseUser(actor);
    return rows.map((h) => ({
      id: h.id,
      enterpriseId: h.enterpriseId,
      enterpriseName: e.get(h.enterpriseId) ?? '',
      regionCode: h.regionCode,
      regionName: regionNames.get(h.regionCode) ?? null,
      machineId: h.machineId,
      machineName: (h.machineId && m.get(h.machineId)) || null,
      welderId: h.welderId,
      welderName: (h.welderId && w.get(h.welderId)) || null,
      permitId: h.permitId,
      category: h.category,
      level: h.level,
      description: h.description,
      legalBasis: h.legalBasis,
      latitude: h.latitude,
      longitude: h.longitude,
      source: h.source,
      sourceAlertId: h.sourceAlertId,
      // Enterprises never learn which public report named them.
      sourceReportId: enterpriseSide ? null : h.sourceReportId,
      sourceInspectionTargetId: h.sourceInspectionTargetId,
      state: h.state,
      deadline: h.deadline,
      overdue: isOverdue(h, now),
      signedOffAt: h.signedOffAt,
      createdAt: h.createdAt,
      updatedAt: h.updatedAt,
    }));
  }

  private async regionNames(codes: string[]): Promise<Map<string, string>> {
    const uniq = [...new Set(codes)];
    const found = await Promise.all(uniq.map((c) => this.regions.findByCode(c)));
    return new Map(found.filter((r) => !!r).map((r) => [r.code, r.name]));
  }

  /** A machine, welder or permit named on a finding must exist and belong to (or, for a welder, be known at) the enterprise. */
  private async assertRefs(actor: Actor, enterprise: Enterprise, dto: CreateHazardDto): Promise<void> {
    if (dto.machineId) {
      const m = await this.machines.findWithEnterprise(dto.machineId);
      if (!m || m.enterpriseId !== enterprise.id)
        throw DomainError.invalid(
          'machineId',
          'notOfEnterprise',
          '该焊机不属于此企业 (not a machine of this enterprise)',
        );
    }
    if (dto.welderId) {
      const [w] = await this.welders.findWelders([dto.welderId]);
      if (!w) throw DomainError.invalid('welderId', 'unknownWelder', '未找到该焊工 (no such welder)');
    }
    if (dto.permitId) {
      const p = await this.permits.get(actor, dto.permitId).catch(() => null);
      if (!p || p.enterpriseId !== enterprise.id)
        throw DomainError.invalid(
          'permitId',
          'notOfEnterprise',
          '该作业票不属于此企业 (not a permit of this enterprise)',
        );
    }
  }

  private async readable(actor: Actor, id: string): Promise<Hazard> {
    const h = await this.hazards.findById(id);
    if (!h || !this.canRead(actor, h)) throw DomainError.notFound('Hazard');
    return h;
  }

  private canRead(actor: Actor, h: Hazard): boolean {
    return this.access.canReadEnterprise(actor, { id: h.enterpriseId, regionPath: h.regionPath });
  }

  private assertRegulates(actor: Actor, h: Hazard): void {
    this.access.assertRegulable(actor, { id: h.enterpriseId, regionPath: h.regionPath }, 'Hazard');
  }

  private assertRegulator(actor: Actor): void {
    if (actor.role !== Role.Regulator || !actor.regionPath)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators take this step');
  }

  private isEnterpriseUser(actor: Actor): actor is Actor & { enterpriseId: string } {
    return ENTERPRISE_ROLES.includes(actor.role) && !!actor.enterpriseId;
  }

  private async isCountyRegulator(actor: Actor): Promise<boolean> {
    if (actor.role !== Role.Regulator || !actor.regionCode) return false;
    const region = await this.regions.findByCode(actor.regionCode);
    return !!region && COUNTY_OR_ABOVE.has(region.level);
  }

  private scopeOf(actor: Actor): HazardScope {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return { kind: 'all' };
    if (actor.role === Role.Regulator && actor.regionPath) return { kind: 'subtree', path: actor.regionPath };
    if (this.isEnterpriseUser(actor)) return { kind: 'enterprise', enterpriseId: actor.enterpriseId };
    return { kind: 'none' };
  }

  private categoryOr(dto: PromoteToHazardDto, fallback: HazardCategory | undefined): HazardCategory {
    const c = dto.category ?? fallback;
    if (!c) throw DomainError.invalid('category', 'isNotEmpty', '请选择隐患类别 (choose the category)');
    return c;
  }

  private futureDeadline(raw: string): Date {
    const d = new Date(raw);
    if (d.getTime() <= this.clock.now().getTime())
      throw DomainError.invalid(
        'deadline',
        'deadlineInPast',
        '整改期限须晚于当前时间 (the deadline must be in the future)',
      );
    return d;
  }
}

type PhotoIn = ReturnType<typeof hashed>[number];

interface StepOutcome {
  step: HazardStep;
  to: HazardState;
  note: string;
  deadline?: Date | null;
  onSite?: boolean;
}

const AUDIT_OF_STEP = {
  [HazardStep.Created]: 'hazard.create',
  [HazardStep.Ordered]: 'hazard.order',
  [HazardStep.Rectified]: 'hazard.rectify',
  [HazardStep.Verified]: 'hazard.verify',
  [HazardStep.Returned]: 'hazard.return',
  [HazardStep.SignedOff]: 'hazard.sign_off',
} as const;

function hashed(photos: ReturnType<typeof checkPhotos>) {
  return photos.map((p) => ({ ...p, sha256: createHash('sha256').update(p.data).digest('hex') }));
}

function where(dto: WhereDto): Place {
  if ((dto.latitude === undefined) !== (dto.longitude === undefined)) {
    const missing = dto.latitude === undefined ? 'latitude' : 'longitude';
    throw DomainError.invalid(missing, 'bothOrNeither', 'latitude and longitude go together');
  }
  return { latitude: dto.latitude ?? null, longitude: dto.longitude ?? null };
}

function expectState(h: Hazard, expected: HazardState): void {
  if (h.state !== expected)
    throw new DomainError(
      ErrorCode.INVALID_STATE,
      `隐患当前状态不允许此操作 (a ${h.state} hazard cannot take this step)`,
      [],
      { from: h.state, expected },
    );
}

function addHandler(h: Hazard, actor: Actor): void {
  if (actor.userId && !h.handlerIds.includes(actor.userId)) h.handlerIds = [...h.handlerIds, actor.userId];
}

function duplicate(what: 'alert' | 'report'): DomainError {
  return new DomainError(
    ErrorCode.DUPLICATE,
    what === 'alert'
      ? '该告警已转为隐患 (this alert is already a hazard)'
      : '该举报已转为隐患 (this report is already a hazard)',
    [],
    { source: what },
  );
}

function toMeasureView(m: HazardMeasure): HazardMeasureView {
  return {
    id: m.id,
    enterpriseId: m.enterpriseId,
    hazardId: m.hazardId,
    kind: m.kind,
    note: m.note,
    issuedByName: m.issuedByName,
    issuedAt: m.issuedAt,
  };
}
