import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { UploadedPhoto } from '../common/files/photo-files';
import { Role } from '../common/roles/role';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { HazardCategory, HazardLevel } from '../hazards/hazard-rules';
import { INSPECTION_HAZARDS, InspectionHazards } from '../hazards/inspection-hazards';
import { INSPECTOR_CODE_SCAN, InspectorCodeScan, InspectorScanFacts } from '../public/inspector-scan';
import { USER_NAME_LOOKUP, UserNameLookup } from '../users/user-name-lookup';
import {
  HandOverDto,
  HandOverNewHazardDto,
  OnSiteScanDto,
  OnSiteWhereDto,
  SignOnSiteDto,
  UnregisteredMachineDto,
  UpdateOnSiteRecordDto,
  VerifyOnSiteDto,
} from './dto/onsite.dto';
import { InspectionPlan, InspectionTarget } from './inspection.entity';
import { InspectionsRepository } from './inspections.repository';
import { InspectionRecord, InspectionScan, ScanOutcome } from './onsite.entity';
import { checkSignature } from './onsite-rules';
import { OnSiteRepository } from './onsite.repository';
import { InspectionRecordView, MyInspectionTargetView, OnSiteScanView, OnSiteState } from './onsite.view';

const OUTCOME_OF_ERROR: Partial<Record<string, ScanOutcome>> = {
  [ErrorCode.CODE_MALFORMED]: 'malformed',
  [ErrorCode.CODE_FORGED]: 'forged',
  [ErrorCode.CODE_UNKNOWN]: 'unknown',
  [ErrorCode.CODE_REVOKED]: 'revoked',
};

interface Place {
  latitude: number | null;
  longitude: number | null;
}

function where(dto: OnSiteWhereDto): Place {
  if ((dto.latitude === undefined) !== (dto.longitude === undefined)) {
    const missing = dto.latitude === undefined ? 'latitude' : 'longitude';
    throw DomainError.invalid(missing, 'bothOrNeither', 'latitude and longitude go together');
  }
  return { latitude: dto.latitude ?? null, longitude: dto.longitude ?? null };
}

interface Located {
  plan: InspectionPlan;
  target: InspectionTarget;
}

/**
 * 五现场 on a phone (issue 15 §2): the two inspectors drawn for an enterprise check in, scan, record
 * machines found with no code, note findings (现场查) and what they explained (现场讲), hand over
 * rectification orders (现场交办), collect the representative's signature (现场签字) and later verify
 * (现场验收). Regulators whose region covers the plan read the record; nobody else acts on it. The
 * signature closes the record; verification of its hazards goes on afterwards. Every step is audited.
 */
@Injectable()
export class OnSiteService {
  constructor(
    private readonly repo: OnSiteRepository,
    private readonly plans: InspectionsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(USER_NAME_LOOKUP) private readonly users: UserNameLookup,
    @Inject(INSPECTION_HAZARDS) private readonly hazards: InspectionHazards,
    @Inject(INSPECTOR_CODE_SCAN) private readonly scanner: InspectorCodeScan,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
  ) {}

  /** "My inspections": the targets the actor was drawn for, with where to go. */
  async mine(actor: Actor): Promise<MyInspectionTargetView[]> {
    if (actor.role !== Role.Regulator || !actor.userId)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only inspectors have inspection targets');
    const rows = await this.repo.targetsOfInspector(actor.userId);
    const enterprises = new Map(
      (await this.enterprises.findByIds([...new Set(rows.map((r) => r.target.enterpriseId))])).map((e) => [e.id, e]),
    );
    const people = await this.users.displayNames(rows.flatMap((r) => r.target.inspectorIds));
    return rows.map(({ target, plan, signedAt }) => ({
      planId: plan.id,
      planTitle: plan.title,
      periodStart: plan.periodStart,
      periodEnd: plan.periodEnd,
      position: target.position,
      enterpriseId: target.enterpriseId,
      enterpriseName: enterprises.get(target.enterpriseId)?.name ?? '',
      enterpriseAddress: enterprises.get(target.enterpriseId)?.address ?? '',
      inspectors: target.inspectorIds.map((id) => ({ id, displayName: people.get(id) ?? '' })),
      state: stateOf(target, signedAt),
      checkedInAt: target.checkedInAt,
      signedAt,
    }));
  }

  async record(actor: Actor, planId: string, position: number): Promise<InspectionRecordView> {
    const at = await this.locate(actor, planId, position, 'read');
    return this.view(actor, at);
  }

  async signature(actor: Actor, planId: string, position: number): Promise<Buffer> {
    const { target } = await this.locate(actor, planId, position, 'read');
    const png = await this.repo.signature(target.id);
    if (!png) throw DomainError.notFound('Signature');
    return png;
  }

  /** 现场查 / 现场讲. */
  async update(
    actor: Actor,
    planId: string,
    position: number,
    dto: UpdateOnSiteRecordDto,
  ): Promise<InspectionRecordView> {
    if (dto.findings === undefined && dto.explained === undefined)
      throw DomainError.invalid('findings', 'isNotEmpty', '请填写检查情况或讲解内容 (nothing to save)');
    const at = await this.locate(actor, planId, position, 'act');
    await this.onSite(actor, at, async (em, record) => {
      const before = { findings: record?.findings ?? null, explained: record?.explained ?? null };
      const after = {
        findings: dto.findings !== undefined ? dto.findings || null : before.findings,
        explained: dto.explained !== undefined ? dto.explained || null : before.explained,
      };
      await this.repo.saveRecord(em, {
        ...(record ?? {}),
        targetId: at.target.id,
        ...after,
        updatedAt: this.clock.now(),
        updatedBy: actor.userId,
      });
      await this.log(em, actor, at, 'inspection.record_update', before, after);
    });
    return this.view(actor, at);
  }

  /** A machine code or welder badge scanned on site: what it shows, recorded with the outcome. */
  async scan(actor: Actor, planId: string, position: number, dto: OnSiteScanDto): Promise<OnSiteScanView> {
    const place = where(dto);
    const at = await this.locate(actor, planId, position, 'act');
    let facts: InspectorScanFacts | null = null;
    let outcome: ScanOutcome;
    try {
      facts = await this.scanner.scan(dto.code);
      outcome = facts.enterpriseId === at.target.enterpriseId ? 'found' : 'other_enterprise';
    } catch (e) {
      const mapped = e instanceof DomainError ? OUTCOME_OF_ERROR[e.code] : undefined;
      if (!mapped) throw e;
      outcome = mapped;
    }
    const saved = await this.onSite(actor, at, async (em) => {
      const s = await this.repo.insertScan(em, {
        targetId: at.target.id,
        code: dto.code,
        outcome,
        subjectType: facts?.subjectType ?? null,
        subjectId: facts?.subjectId ?? null,
        enterpriseId: facts?.enterpriseId ?? null,
        summary: facts ? summaryOf(facts) : null,
        scannedBy: actor.userId!,
        scannedAt: this.clock.now(),
        ...place,
      });
      await this.log(em, actor, at, 'inspection.scan', null, {
        scanId: s.id,
        outcome,
        subjectType: s.subjectType,
        subjectId: s.subjectId,
        ...place,
      });
      return s;
    });
    const names = await this.users.displayNames([saved.scannedBy]);
    return scanView(saved, names);
  }

  /** A machine with no code found on site: a hazard (焊机未加芯赋码) and an off-platform finding. */
  async unregisteredMachine(
    actor: Actor,
    planId: string,
    position: number,
    dto: UnregisteredMachineDto,
    photos: UploadedPhoto[] | undefined,
  ): Promise<InspectionRecordView> {
    const place = where(dto);
    const at = await this.locate(actor, planId, position, 'act');
    const regionPath = (await this.enterpriseRegionPath(at.target.enterpriseId)) || at.plan.regionPath;
    const registerHazard = await this.hazards.registerInspectionFinding(
      await this.drawnAuthority(actor, at),
      {
        enterpriseId: at.target.enterpriseId,
        inspectionTargetId: at.target.id,
        category: HazardCategory.MachineNotChipped,
        level: dto.level ?? HazardLevel.General,
        description: `现场发现无码焊机：${dto.description}`.slice(0, 2000),
        ...place,
      },
      photos,
    );
    await this.onSite(actor, at, async (em) => {
      const hazard = await registerHazard(em);
      const f = await this.repo.insertUnregistered(em, {
        targetId: at.target.id,
        planId: at.plan.id,
        enterpriseId: at.target.enterpriseId,
        regionPath,
        description: dto.description,
        ...place,
        hazardId: hazard.id,
        photoCount: hazard.photoCount,
        foundBy: actor.userId!,
        foundAt: this.clock.now(),
      });
      await this.log(em, actor, at, 'inspection.unregistered_machine', null, {
        findingId: f.id,
        hazardId: hazard.id,
        photoCount: f.photoCount,
        ...place,
      });
    });
    return this.view(actor, at);
  }

  /** 现场交办 of a new finding: registered and ordered with its deadline at once. */
  async handOverNew(
    actor: Actor,
    planId: string,
    position: number,
    dto: HandOverNewHazardDto,
  ): Promise<InspectionRecordView> {
    const place = where(dto);
    const at = await this.locate(actor, planId, position, 'act');
    this.assertFuture(dto.deadline);
    const authority = await this.drawnAuthority(actor, at);
    const registerHazard = await this.hazards.registerInspectionFinding(
      authority,
      {
        enterpriseId: at.target.enterpriseId,
        inspectionTargetId: at.target.id,
        category: dto.category,
        level: dto.level,
        description: dto.description,
        ...place,
      },
      undefined,
    );
    await this.onSite(actor, at, async (em) => {
      const { id } = await registerHazard(em);
      await this.orderInVisit(em, actor, authority, at, id, dto, place);
    });
    return this.view(actor, at);
  }

  /** 现场交办: the order for a hazard of this visit, with its deadline. */
  async handOver(
    actor: Actor,
    planId: string,
    position: number,
    hazardId: string,
    dto: HandOverDto,
  ): Promise<InspectionRecordView> {
    const place = where(dto);
    const at = await this.locate(actor, planId, position, 'act');
    await this.assertOfVisit(at, hazardId);
    const authority = await this.drawnAuthority(actor, at);
    await this.onSite(actor, at, (em) => this.orderInVisit(em, actor, authority, at, hazardId, dto, place));
    return this.view(actor, at);
  }

  private async orderInVisit(
    em: EntityManager,
    actor: Actor,
    authority: Actor,
    at: Located,
    hazardId: string,
    dto: HandOverDto,
    place: Place,
  ): Promise<void> {
    const ordered = await this.hazards.orderOnSite(em, authority, hazardId, {
      deadline: dto.deadline,
      note: dto.note,
      latitude: place.latitude ?? undefined,
      longitude: place.longitude ?? undefined,
    });
    await this.log(em, actor, at, 'inspection.hand_over', null, {
      hazardId,
      deadline: ordered.deadline,
      note: dto.note,
      ...place,
    });
  }

  /** 现场签字: the representative signs on the inspector's phone; the record is closed from then on. */
  async sign(
    actor: Actor,
    planId: string,
    position: number,
    dto: SignOnSiteDto,
    file: UploadedPhoto | undefined,
  ): Promise<InspectionRecordView> {
    const place = where(dto);
    const png = checkSignature(file);
    const at = await this.locate(actor, planId, position, 'act');
    await this.onSite(actor, at, async (em, record) => {
      const now = this.clock.now();
      const sha256 = createHash('sha256').update(png).digest('hex');
      await this.repo.saveRecord(em, {
        findings: null,
        explained: null,
        ...(record ?? {}),
        targetId: at.target.id,
        signerName: dto.signerName,
        signedAt: now,
        signedBy: actor.userId,
        signature: png,
        signatureSha256: sha256,
        signLatitude: place.latitude,
        signLongitude: place.longitude,
        updatedAt: now,
        updatedBy: actor.userId,
      });
      await this.log(em, actor, at, 'inspection.sign', null, {
        signerName: dto.signerName,
        signatureSha256: sha256,
        signatureBytes: png.length,
        ...place,
      });
    });
    return this.view(actor, at);
  }

  /** 现场验收 of a hazard this visit handed over (also after the record was signed). */
  async verify(
    actor: Actor,
    planId: string,
    position: number,
    hazardId: string,
    dto: VerifyOnSiteDto,
  ): Promise<InspectionRecordView> {
    const place = where(dto);
    const at = await this.locate(actor, planId, position, 'act');
    await this.assertOfVisit(at, hazardId);
    const authority = await this.drawnAuthority(actor, at);
    await this.ds.transaction(async (em) => {
      const verified = await this.hazards.verifyOnSite(em, authority, hazardId, {
        passed: dto.passed,
        onSite: true,
        note: dto.note,
        deadline: dto.deadline,
        latitude: place.latitude ?? undefined,
        longitude: place.longitude ?? undefined,
      });
      await this.log(em, actor, at, 'inspection.verify', null, {
        hazardId,
        passed: dto.passed,
        state: verified.state,
        ...place,
      });
    });
    return this.view(actor, at);
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * The target, for reading (the two inspectors, regulators whose region covers the plan, platform
   * admins) or acting (the two inspectors only). Whoever cannot see the plan learns nothing about it.
   */
  private async locate(actor: Actor, planId: string, position: number, mode: 'read' | 'act'): Promise<Located> {
    const plan = await this.plans.findPlan(planId);
    if (!plan) throw DomainError.notFound('Inspection plan');
    const target = await this.repo.findTarget(plan.id, position);
    const assigned =
      actor.role === Role.Regulator && !!target && !!actor.userId && target.inspectorIds.includes(actor.userId);
    const visible =
      actor.role === Role.PlatformAdmin ||
      (actor.role === Role.Regulator && !!actor.regionPath && plan.regionPath.startsWith(actor.regionPath));
    if (!assigned && !visible) throw DomainError.notFound('Inspection plan');
    if (!target) throw DomainError.notFound('Inspection target');
    if (mode === 'act' && !assigned)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only the two inspectors drawn for this enterprise act on it');
    return { plan, target };
  }

  /** One on-site step on the locked target: checked in, record not yet signed. */
  private async onSite<T>(
    actor: Actor,
    at: Located,
    fn: (em: EntityManager, record: InspectionRecord | null) => Promise<T>,
  ): Promise<T> {
    return this.ds.transaction(async (em) => {
      const target = await this.repo.findTargetForUpdate(em, at.target.id);
      if (!target) throw DomainError.notFound('Inspection target');
      if (!target.checkedInAt)
        throw new DomainError(
          ErrorCode.INSPECTION_NOT_CHECKED_IN,
          '请先到企业现场签到 (check in at the enterprise first)',
        );
      const record = await this.repo.findRecord(target.id, em);
      if (record?.signedAt)
        throw new DomainError(
          ErrorCode.INSPECTION_RECORD_SIGNED,
          '现场检查记录已签字，不能再修改 (the record is signed and closed)',
        );
      at.target = target;
      return fn(em, record);
    });
  }

  private async assertOfVisit(at: Located, hazardId: string): Promise<void> {
    const mine = await this.hazards.ofInspectionTarget(at.target.id);
    if (!mine.some((h) => h.id === hazardId)) throw DomainError.notFound('Hazard');
  }

  private assertFuture(deadline: string): void {
    if (new Date(deadline).getTime() <= this.clock.now().getTime())
      throw DomainError.invalid(
        'deadline',
        'deadlineInPast',
        '整改期限须晚于当前时间 (the deadline must be in the future)',
      );
  }

  /**
   * The draw is the authority at its target: an inspector drawn from the plan's whole region (a township
   * account for another township's enterprise) registers, orders and verifies that enterprise's hazards as
   * a regulator of the enterprise's own region would, and for that enterprise only (the hazard register
   * still checks scope and states). Someone whose region already covers the enterprise acts as themselves.
   */
  private async drawnAuthority(actor: Actor, at: Located): Promise<Actor> {
    const path = await this.enterpriseRegionPath(at.target.enterpriseId);
    if (!path || (actor.regionPath && path.startsWith(actor.regionPath))) return actor;
    const code = path.split('/').filter(Boolean).pop() ?? null;
    return { ...actor, regionPath: path, regionCode: code };
  }

  private async enterpriseRegionPath(enterpriseId: string): Promise<string> {
    return (await this.enterprises.findById(enterpriseId))?.regionPath ?? '';
  }

  private log(
    em: EntityManager,
    actor: Actor,
    at: Located,
    action:
      | 'inspection.scan'
      | 'inspection.unregistered_machine'
      | 'inspection.record_update'
      | 'inspection.hand_over'
      | 'inspection.sign'
      | 'inspection.verify',
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(em, actor, {
      action,
      entityType: 'inspection_target',
      entityId: at.target.id,
      enterpriseId: at.target.enterpriseId,
      regionPath: at.plan.regionPath,
      before,
      after: { planId: at.plan.id, position: at.target.position, ...after },
    });
  }

  private async view(actor: Actor, at: Located): Promise<InspectionRecordView> {
    const { plan } = at;
    const target = (await this.repo.findTarget(plan.id, at.target.position)) ?? at.target;
    const [record, scans, unregistered, hazards, enterprise, region] = await Promise.all([
      this.repo.findRecord(target.id),
      this.repo.scansOf(target.id),
      this.repo.unregisteredOf(target.id),
      this.hazards.ofInspectionTarget(target.id),
      this.enterprises.findById(target.enterpriseId),
      this.regions.findByCode(plan.regionCode),
    ]);
    const people = await this.users.displayNames([
      ...target.inspectorIds,
      ...(target.checkedInBy ? [target.checkedInBy] : []),
      ...(record?.signedBy ? [record.signedBy] : []),
      ...scans.map((s) => s.scannedBy),
      ...unregistered.map((u) => u.foundBy),
    ]);
    const assigned = actor.role === Role.Regulator && !!actor.userId && target.inspectorIds.includes(actor.userId);
    const signedAt = record?.signedAt ?? null;
    return {
      planId: plan.id,
      planTitle: plan.title,
      planRegionName: region?.name ?? plan.regionCode,
      position: target.position,
      enterpriseId: target.enterpriseId,
      enterpriseName: enterprise?.name ?? '',
      enterpriseAddress: enterprise?.address ?? '',
      inspectors: target.inspectorIds.map((id) => ({ id, displayName: people.get(id) ?? '' })),
      state: stateOf(target, signedAt),
      canAct: assigned,
      checkedInAt: target.checkedInAt,
      checkedInByName: target.checkedInBy ? (people.get(target.checkedInBy) ?? '') : null,
      checkInLatitude: target.checkInLatitude,
      checkInLongitude: target.checkInLongitude,
      findings: record?.findings ?? '',
      explained: record?.explained ?? '',
      signerName: record?.signerName ?? null,
      signedAt,
      signedByName: record?.signedBy ? (people.get(record.signedBy) ?? '') : null,
      hasSignature: !!signedAt,
      scans: scans.map((s) => scanView(s, people)),
      unregisteredMachines: unregistered.map((u) => ({
        id: u.id,
        description: u.description,
        latitude: u.latitude,
        longitude: u.longitude,
        hazardId: u.hazardId,
        photoCount: u.photoCount,
        foundAt: u.foundAt,
        foundByName: people.get(u.foundBy) ?? '',
      })),
      hazards: hazards.map((h) => ({
        id: h.id,
        category: h.category,
        level: h.level,
        state: h.state,
        description: h.description,
        legalBasis: h.legalBasis,
        deadline: h.deadline,
        createdAt: h.createdAt,
      })),
    };
  }
}

function stateOf(target: InspectionTarget, signedAt: Date | null): OnSiteState {
  if (signedAt) return 'signed';
  return target.checkedInAt ? 'checked_in' : 'assigned';
}

/** What the scan showed, as stored with it (the record shows the moment of the scan, not today's facts). */
function summaryOf(f: InspectorScanFacts): Record<string, unknown> {
  return {
    enterpriseName: f.enterpriseName,
    machine: f.machine,
    welder: f.welder,
    recentArcs: f.recentArcs.map((a) => ({ ...a, startedAt: a.startedAt.toISOString() })),
  };
}

function scanView(s: InspectionScan, people: Map<string, string>): OnSiteScanView {
  const sum = (s.summary ?? {}) as {
    enterpriseName?: string;
    machine?: OnSiteScanView['machine'];
    welder?: OnSiteScanView['welder'];
    recentArcs?: { startedAt: string; durationMs: number; authorized: boolean | null }[];
  };
  return {
    id: s.id,
    code: s.code,
    outcome: s.outcome,
    subjectType: s.subjectType,
    enterpriseName: sum.enterpriseName ?? null,
    machine: sum.machine ?? null,
    welder: sum.welder ?? null,
    recentArcs: (sum.recentArcs ?? []).map((a) => ({ ...a, startedAt: new Date(a.startedAt) })),
    scannedAt: s.scannedAt,
    scannedByName: people.get(s.scannedBy) ?? '',
  };
}
