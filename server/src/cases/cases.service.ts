import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { maskName } from '../common/validation/identifiers';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { HazardsService } from '../hazards/hazards.service';
import { InspectionsService } from '../inspections/inspections.service';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { MachineStatus } from '../machines/machine.entity';
import { MACHINE_ROSTER, MachineRoster } from '../machines/machine-roster';
import { MachinesService } from '../machines/machines.service';
import { USER_NAME_LOOKUP, UserNameLookup } from '../users/user-name-lookup';
import { CaseSourceType, CaseState, EnforcementCase } from './case.entity';
import { CaseSuspensionView, CaseView, EnforcementStatView } from './case.view';
import { EnforcementStatisticsRepository } from './enforcement-statistics.repository';
import { CloseCaseDto, EnforcementStatisticsQueryDto, ListCasesQueryDto, OpenCaseDto } from './dto/case.dto';
import { CasesRepository } from './cases.repository';

const ENTITY = 'enforcement_case';

/**
 * 立案与处罚: a regulator of the enterprise's region opens a case from a hazard with its legal basis and
 * decision (警告, 罚款, 暂停使用焊机, 停产整顿) and the 一案双罚 second party, and closes it. Machines the
 * decision names are suspended in the registry through MachinesService in the same transaction (their
 * live grants are revoked by the machines_revocation trigger; their devices are refused with
 * MACHINE_SUSPENDED), and reactivated on closure when the suspension is lifted.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CasesRepository,
    private readonly statistics: EnforcementStatisticsRepository,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly cipher: FieldCipher,
    private readonly hazards: HazardsService,
    private readonly inspections: InspectionsService,
    private readonly machinesService: MachinesService,
    @Inject(MACHINE_ROSTER) private readonly machines: MachineRoster,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(USER_NAME_LOOKUP) private readonly users: UserNameLookup,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
  ) {}

  async list(actor: Actor, q: ListCasesQueryDto): Promise<Paginated<CaseView>> {
    const scope = this.regionScope(actor);
    let regionPath: string | undefined;
    if (q.regionCode) {
      const region = await this.regions.findByCode(q.regionCode);
      if (!region) return paginate([], 0, q);
      regionPath = region.path;
    }
    const [rows, total] = await this.cases.listInRegion(
      scope,
      { state: q.state, hazardId: q.hazardId, regionPath, decision: q.decision, month: q.month },
      offsetOf(q),
      q.pageSize,
    );
    return paginate(await this.views(rows), total, q);
  }

  /** 执法统计: per township under the caller's region and month; platform admins see every township. */
  async statisticsPerMonth(actor: Actor, q: EnforcementStatisticsQueryDto): Promise<EnforcementStatView[]> {
    const [fy, fm] = q.from.split('-').map(Number);
    const [ty, tm] = q.to.split('-').map(Number);
    const span = (ty - fy) * 12 + (tm - fm);
    if (span < 0) throw DomainError.invalid('to', 'toNotAfterFrom', 'The last month is before the first');
    if (span > 23) throw DomainError.invalid('to', 'max', 'At most 24 months');
    return this.statistics.perTownshipAndMonth(this.regionScope(actor) ?? '/', q.from, q.to, this.clock.now());
  }

  /** Machines that open cases in the caller's region keep suspended (the machine ledger marks them). */
  async suspensions(actor: Actor): Promise<CaseSuspensionView[]> {
    const open = await this.cases.openSuspending(this.regionScope(actor));
    const machines = await this.machines.findMachines([...new Set(open.flatMap((c) => c.suspendedMachineIds))]);
    const suspended = new Set(machines.filter((m) => m.status === MachineStatus.Suspended).map((m) => m.id));
    const seen = new Set<string>();
    return open.flatMap((c) =>
      c.suspendedMachineIds
        .filter((id) => suspended.has(id) && !seen.has(id) && !!seen.add(id))
        .map((machineId) => ({ machineId, caseId: c.id, openedAt: c.openedAt.toISOString() })),
    );
  }

  async get(actor: Actor, id: string): Promise<CaseView> {
    const c = await this.cases.findById(id);
    if (!c || !this.canRead(actor, c)) throw DomainError.notFound('Case');
    return (await this.views([c]))[0];
  }

  async open(actor: Actor, dto: OpenCaseDto): Promise<CaseView> {
    this.assertRegulator(actor);
    const subject = await this.subjectOf(actor, dto);
    const suspend = [...new Set(dto.suspendMachineIds ?? [])];
    if (!dto.warning && dto.fineYuan === undefined && !dto.productionHalt && !suspend.length)
      throw DomainError.invalid('warning', 'decisionRequired', '请至少选择一项处罚决定 (choose at least one penalty)');
    const named = await this.machines.findMachines(suspend);
    if (named.length !== suspend.length || named.some((m) => m.enterpriseId !== subject.enterpriseId))
      throw DomainError.invalid(
        'suspendMachineIds',
        'notOwnMachine',
        '只能暂停被立案企业自有的焊机 (only the enterprise’s own machines can be suspended)',
      );
    if (named.some((m) => m.status !== MachineStatus.Active))
      throw DomainError.invalid(
        'suspendMachineIds',
        'machineNotActive',
        '只能暂停正在使用的焊机 (only active machines can be suspended)',
      );
    const c = await this.ds.transaction(async (em) => {
      const saved = await this.cases.insert(em, {
        enterpriseId: subject.enterpriseId,
        regionCode: subject.regionCode,
        regionPath: subject.regionPath,
        sourceType: subject.sourceType,
        sourceHazardId: subject.hazardId,
        sourceInspectionTargetId: subject.inspectionTargetId,
        legalBasis: dto.legalBasis,
        facts: dto.facts,
        warning: !!dto.warning,
        fineYuan: dto.fineYuan ?? null,
        productionHalt: !!dto.productionHalt,
        suspendedMachineIds: suspend,
        secondPartyNameEnc: dto.secondParty ? this.cipher.encrypt(dto.secondParty.name) : null,
        secondPartyRole: dto.secondParty?.role ?? null,
        state: CaseState.Open,
        closureNote: null,
        suspensionLifted: null,
        openedBy: actor.userId!,
        openedAt: this.clock.now(),
        closedBy: null,
        closedAt: null,
      });
      for (const machineId of suspend)
        await this.machinesService.changeStatusInTransaction(em, actor, machineId, {
          status: MachineStatus.Suspended,
          reason: `立案暂停使用：${dto.legalBasis}`.slice(0, 500),
        });
      await this.audit.record(em, actor, {
        action: 'case.open',
        entityType: ENTITY,
        entityId: saved.id,
        enterpriseId: saved.enterpriseId,
        regionPath: saved.regionPath,
        after: this.auditSnapshot(saved),
      });
      return saved;
    });
    return (await this.views([c]))[0];
  }

  async close(actor: Actor, id: string, dto: CloseCaseDto): Promise<CaseView> {
    this.assertRegulator(actor);
    const c = await this.ds.transaction(async (em) => {
      const c = await this.cases.findByIdForUpdate(em, id);
      if (!c || !this.canRead(actor, c)) throw DomainError.notFound('Case');
      this.access.assertRegulable(actor, { id: c.enterpriseId, regionPath: c.regionPath }, 'Case');
      if (c.state !== CaseState.Open) throw new DomainError(ErrorCode.INVALID_STATE, 'The case is already closed');
      const before = this.auditSnapshot(c);
      const lift = dto.liftSuspension && c.suspendedMachineIds.length > 0;
      if (lift) {
        // Only machines still suspended are reactivated (one retired meanwhile stays retired).
        const still = (await this.machines.findMachines(c.suspendedMachineIds, em)).filter(
          (m) => m.status === MachineStatus.Suspended,
        );
        for (const m of still)
          await this.machinesService.changeStatusInTransaction(em, actor, m.id, {
            status: MachineStatus.Active,
            reason: '结案解除暂停',
          });
      }
      c.state = CaseState.Closed;
      c.closureNote = dto.note;
      c.suspensionLifted = c.suspendedMachineIds.length ? dto.liftSuspension : null;
      c.closedBy = actor.userId!;
      c.closedAt = this.clock.now();
      const saved = await this.cases.save(em, c);
      await this.audit.record(em, actor, {
        action: 'case.close',
        entityType: ENTITY,
        entityId: c.id,
        enterpriseId: c.enterpriseId,
        regionPath: c.regionPath,
        before,
        after: this.auditSnapshot(saved),
      });
      return saved;
    });
    return (await this.views([c]))[0];
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * What the case is against: a hazard the actor regulates, or an enterprise drawn in an inspection plan the
   * actor sees (and regulates). Exactly one source.
   */
  private async subjectOf(
    actor: Actor,
    dto: OpenCaseDto,
  ): Promise<{
    enterpriseId: string;
    regionCode: string;
    regionPath: string;
    sourceType: CaseSourceType;
    hazardId: string | null;
    inspectionTargetId: string | null;
  }> {
    const fromInspection = dto.inspectionPlanId !== undefined || dto.inspectionPosition !== undefined;
    if (dto.hazardId && fromInspection)
      throw DomainError.invalid('hazardId', 'oneSource', '立案来源只能是一个隐患或一个检查对象 (one source only)');
    if (dto.hazardId) {
      const h = await this.hazards.caseSubject(actor, dto.hazardId);
      return {
        enterpriseId: h.enterpriseId,
        regionCode: h.regionCode,
        regionPath: h.regionPath,
        sourceType: CaseSourceType.Hazard,
        hazardId: h.id,
        inspectionTargetId: null,
      };
    }
    if (!fromInspection) throw DomainError.invalid('hazardId', 'required', '请指明立案来源 (name the source)');
    if (dto.inspectionPlanId === undefined || dto.inspectionPosition === undefined)
      throw DomainError.invalid(
        dto.inspectionPlanId === undefined ? 'inspectionPlanId' : 'inspectionPosition',
        'bothOrNeither',
        '检查计划与检查对象须同时给出 (plan and position together)',
      );
    const target = await this.inspections.caseTarget(actor, dto.inspectionPlanId, dto.inspectionPosition);
    const e = await this.enterprises.findById(target.enterpriseId);
    if (!e) throw DomainError.notFound('Enterprise');
    this.access.assertRegulable(actor, e, 'Enterprise');
    return {
      enterpriseId: e.id,
      regionCode: e.regionCode,
      regionPath: e.regionPath,
      sourceType: CaseSourceType.Inspection,
      hazardId: null,
      inspectionTargetId: target.id,
    };
  }

  private auditSnapshot(c: EnforcementCase): Record<string, unknown> {
    return {
      state: c.state,
      sourceType: c.sourceType,
      sourceHazardId: c.sourceHazardId,
      sourceInspectionTargetId: c.sourceInspectionTargetId,
      legalBasis: c.legalBasis,
      warning: c.warning,
      fineYuan: c.fineYuan,
      productionHalt: c.productionHalt,
      suspendedMachineIds: c.suspendedMachineIds,
      // Personal data is audited masked.
      secondParty: c.secondPartyNameEnc
        ? { name: maskName(this.cipher.decrypt(c.secondPartyNameEnc)), role: c.secondPartyRole }
        : null,
      closureNote: c.closureNote,
      suspensionLifted: c.suspensionLifted,
    };
  }

  private async views(rows: EnforcementCase[]): Promise<CaseView[]> {
    const targetIds = rows.flatMap((r) => (r.sourceInspectionTargetId ? [r.sourceInspectionTargetId] : []));
    const [enterprises, machines, names, targets, regions] = await Promise.all([
      this.enterprises.findByIds([...new Set(rows.map((r) => r.enterpriseId))]),
      this.machines.findMachines([...new Set(rows.flatMap((r) => r.suspendedMachineIds))]),
      this.users.displayNames([...new Set(rows.flatMap((r) => [r.openedBy, ...(r.closedBy ? [r.closedBy] : [])]))]),
      this.inspections.targetRefs(targetIds),
      Promise.all([...new Set(rows.map((r) => r.regionCode))].map((code) => this.regions.findByCode(code))),
    ]);
    const tById = new Map(targets.map((x) => [x.id, x]));
    const regionName = new Map(regions.flatMap((r) => (r ? [[r.code, r.name] as const] : [])));
    const eName = new Map(enterprises.map((e) => [e.id, e.name]));
    const mById = new Map(machines.map((m) => [m.id, m]));
    return rows.map((c) => ({
      id: c.id,
      enterpriseId: c.enterpriseId,
      enterpriseName: eName.get(c.enterpriseId) ?? '',
      regionCode: c.regionCode,
      regionName: regionName.get(c.regionCode) ?? null,
      sourceType: c.sourceType,
      sourceHazardId: c.sourceHazardId,
      sourceInspection: (() => {
        const x = c.sourceInspectionTargetId ? tById.get(c.sourceInspectionTargetId) : undefined;
        return x ? { planId: x.planId, planTitle: x.planTitle, position: x.position } : null;
      })(),
      legalBasis: c.legalBasis,
      facts: c.facts,
      warning: c.warning,
      fineYuan: c.fineYuan,
      productionHalt: c.productionHalt,
      suspendedMachines: c.suspendedMachineIds.flatMap((id) => {
        const m = mById.get(id);
        return m ? [{ id, name: m.name, serialNumber: m.serialNumber, status: m.status }] : [];
      }),
      secondParty: c.secondPartyNameEnc
        ? { nameMasked: maskName(this.cipher.decrypt(c.secondPartyNameEnc)), role: c.secondPartyRole ?? '' }
        : null,
      state: c.state,
      closureNote: c.closureNote,
      suspensionLifted: c.suspensionLifted,
      openedByName: names.get(c.openedBy) ?? '',
      openedAt: c.openedAt.toISOString(),
      closedByName: c.closedBy ? (names.get(c.closedBy) ?? '') : null,
      closedAt: c.closedAt ? c.closedAt.toISOString() : null,
    }));
  }

  private canRead(actor: Actor, c: EnforcementCase): boolean {
    const scope = this.regionScope(actor);
    return scope === null || c.regionPath.startsWith(scope);
  }

  /** Cases are regulators' files: platform admins see all (null), a regulator its region's subtree. */
  private regionScope(actor: Actor): string | null {
    if (actor.role === Role.PlatformAdmin || actor.role === 'system') return null;
    if (actor.role === Role.Regulator && actor.regionPath) return actor.regionPath;
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators see enforcement cases');
  }

  private assertRegulator(actor: Actor): void {
    if (actor.role !== Role.Regulator || !actor.regionPath || !actor.userId)
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only regulators open and close cases');
  }
}
