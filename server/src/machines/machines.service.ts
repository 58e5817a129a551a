import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType, IdentityCode } from '../codes/identity-code.entity';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Enterprise, EnterpriseStatus } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { Role } from '../common/roles/role';
import { ChangeMachineStatusDto } from './dto/change-machine-status.dto';
import { CreateMachineDto } from './dto/create-machine.dto';
import { ListMachinesQueryDto } from './dto/list-machines-query.dto';
import { UpdateMachineDto } from './dto/update-machine.dto';
import { Machine, MachineKind, MachineStatus } from './machine.entity';
import {
  judgeMachineStatusChange,
  MachineAuthority,
  MachineStatusChange,
  suspensionByRegulatorAfter,
} from './machine-status-rules';
import { machineAuditSnapshot, MachineView, toMachineView } from './machine.view';
import { MachinesRepository } from './machines.repository';

const ENTITY = 'machine';

function isPlatform(actor: Actor): boolean {
  return actor.role === 'system' || actor.role === Role.PlatformAdmin;
}

/** Electric machines have a rated input; a gas set has none (its interlock is a fuel-gas valve). */
function assertRatedInputFitsKind(kind: MachineKind, ratedInputKva: number | null | undefined): void {
  const has = ratedInputKva !== null && ratedInputKva !== undefined;
  if (kind === MachineKind.Gas && has)
    throw DomainError.invalid(
      'ratedInputKva',
      'notApplicableToGas',
      'ratedInputKva must be absent or null for a gas set',
    );
  if (kind !== MachineKind.Gas && !has)
    throw DomainError.invalid(
      'ratedInputKva',
      'requiredForElectric',
      'ratedInputKva is required for electric_arc and resistance machines',
    );
  if (has && !(typeof ratedInputKva === 'number' && Number.isFinite(ratedInputKva) && ratedInputKva > 0)) {
    throw DomainError.invalid('ratedInputKva', 'isPositive', 'ratedInputKva must be a positive number');
  }
}

/** A gas set measures fuel flow, not current: it has no rated current. Electric machines may leave it unknown. */
function assertRatedCurrentFitsKind(kind: MachineKind, ratedCurrentA: number | null | undefined): void {
  if (kind === MachineKind.Gas && ratedCurrentA !== null && ratedCurrentA !== undefined) {
    throw DomainError.invalid(
      'ratedCurrentA',
      'notApplicableToGas',
      'ratedCurrentA must be absent or null for a gas set',
    );
  }
}

function duplicateSerial(): DomainError {
  return new DomainError(
    ErrorCode.DUPLICATE,
    'A machine with this manufacturer and serial number is already registered',
    [{ field: 'serialNumber', code: 'duplicate', message: 'already registered for this manufacturer' }],
  );
}

@Injectable()
export class MachinesService {
  constructor(
    private readonly machines: MachinesRepository,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly codes: CodesService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async list(actor: Actor, query: ListMachinesQueryDto): Promise<Paginated<MachineView>> {
    const [rows, total] = await this.machines.findPage({
      scope: (qb, alias) => this.access.scopeToEnterprises(qb, actor, alias),
      enterpriseId: query.enterpriseId,
      status: query.status,
      kind: query.kind,
      text: query.q,
      hasChip: query.hasChip,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    const codes = new Map(
      (
        await this.codes.findActiveForSubjects(
          CodeSubjectType.Machine,
          rows.map((m) => m.id),
        )
      ).map((c) => [c.subjectId, c]),
    );
    return paginate(
      rows.map((m) => this.view(m, m.enterprise!, codes.get(m.id) ?? null)),
      total,
      query,
    );
  }

  /** The list's statement for the ledger export (same scope, filters and order; every row, not a page). */
  exportStatement(actor: Actor, query: ListMachinesQueryDto): { sql: string; params: unknown[] } {
    const [sql, params] = this.machines.exportStatement({
      scope: (qb, alias) => this.access.scopeToEnterprises(qb, actor, alias),
      enterpriseId: query.enterpriseId,
      status: query.status,
      kind: query.kind,
      text: query.q,
      hasChip: query.hasChip,
    });
    return { sql, params };
  }

  async get(actor: Actor, id: string): Promise<MachineView> {
    const m = await this.machines.findWithEnterprise(id);
    if (!m || !m.enterprise || !this.access.canReadEnterprise(actor, m.enterprise))
      throw DomainError.notFound('Machine');
    return this.view(m, m.enterprise, await this.codes.findActiveForSubject(CodeSubjectType.Machine, m.id));
  }

  async create(actor: Actor, dto: CreateMachineDto): Promise<MachineView> {
    return this.ds.transaction((em) => this.createInTransaction(em, actor, dto));
  }

  /**
   * Registers a machine and issues its QR code in the caller's transaction (the ledger importer
   * imports many rows in one). Enterprise users register for their own enterprise; platform admins
   * name the enterprise.
   */
  async createInTransaction(em: EntityManager, actor: Actor, dto: CreateMachineDto): Promise<MachineView> {
    const enterprise = await this.enterpriseForNewMachine(em, actor, dto.enterpriseId);
    assertRatedInputFitsKind(dto.kind, dto.ratedInputKva);
    assertRatedCurrentFitsKind(dto.kind, dto.ratedCurrentA);
    const manufacturer = dto.manufacturer.trim();
    const serialNumber = dto.serialNumber.trim();
    if (await this.machines.findByManufacturerSerial(em, manufacturer, serialNumber)) throw duplicateSerial();
    const m = await this.machines.save(
      em,
      this.machines.create(em, {
        enterpriseId: enterprise.id,
        name: dto.name.trim(),
        kind: dto.kind,
        manufacturer,
        model: dto.model.trim(),
        serialNumber,
        ratedInputKva: dto.ratedInputKva ?? null,
        ratedCurrentA: dto.ratedCurrentA ?? null,
        status: MachineStatus.Registered,
        statusReason: null,
        suspendedByRegulator: false,
        retiredAt: null,
        chipId: null,
      }),
    );
    const code = await this.codes.issueInTransaction(em, actor, CodeSubjectType.Machine, m.id, {
      enterpriseId: enterprise.id,
      regionPath: enterprise.regionPath,
    });
    const view = this.view(m, enterprise, code);
    await this.audit.record(em, actor, {
      action: 'machine.create',
      entityType: ENTITY,
      entityId: m.id,
      enterpriseId: enterprise.id,
      regionPath: enterprise.regionPath,
      after: machineAuditSnapshot(view),
    });
    return view;
  }

  /** Descriptive fields, by the owning enterprise or a platform admin. */
  async update(actor: Actor, id: string, dto: UpdateMachineDto): Promise<MachineView> {
    return this.ds.transaction(async (em) => {
      const found = await this.machines.findForUpdate(em, id);
      if (!found) throw DomainError.notFound('Machine');
      const { machine: m, enterprise } = found;
      this.access.assertManageable(actor, enterprise, 'Machine');
      if (m.status === MachineStatus.Retired)
        throw new DomainError(ErrorCode.MACHINE_RETIRED, 'The machine is retired; its record can no longer change');
      const code = await this.codes.findActiveForSubject(CodeSubjectType.Machine, m.id);
      const before = machineAuditSnapshot(this.view(m, enterprise, code));
      const kind = dto.kind ?? m.kind;
      const ratedInputKva = dto.ratedInputKva !== undefined ? dto.ratedInputKva : m.ratedInputKva;
      assertRatedInputFitsKind(kind, ratedInputKva);
      const ratedCurrentA = dto.ratedCurrentA !== undefined ? dto.ratedCurrentA : m.ratedCurrentA;
      assertRatedCurrentFitsKind(kind, ratedCurrentA);
      const manufacturer = dto.manufacturer ?? m.manufacturer;
      const serialNumber = dto.serialNumber ?? m.serialNumber;
      if (manufacturer !== m.manufacturer || serialNumber !== m.serialNumber) {
        const other = await this.machines.findByManufacturerSerial(em, manufacturer, serialNumber);
        if (other && other.id !== m.id) throw duplicateSerial();
      }
      Object.assign(m, {
        kind,
        ratedInputKva,
        ratedCurrentA,
        manufacturer,
        serialNumber,
        name: dto.name ?? m.name,
        model: dto.model ?? m.model,
      });
      const saved = await this.machines.save(em, m);
      const view = this.view(saved, enterprise, code);
      await this.audit.record(em, actor, {
        action: 'machine.update',
        entityType: ENTITY,
        entityId: m.id,
        enterpriseId: enterprise.id,
        regionPath: enterprise.regionPath,
        before,
        after: machineAuditSnapshot(view),
      });
      return view;
    });
  }

  /**
   * Activate, suspend or retire. Retiring (淘汰) is final: it unbinds the chip and revokes the code
   * in the same transaction, so a retired machine can neither be scanned nor unlocked.
   */
  async changeStatus(actor: Actor, id: string, dto: ChangeMachineStatusDto): Promise<MachineView> {
    const reason = dto.reason?.trim() || null;
    if (dto.status !== MachineStatus.Active && !reason)
      throw DomainError.invalid('reason', 'isNotEmpty', 'A reason is required');
    return this.ds.transaction((em) => this.changeStatusInTransaction(em, actor, id, dto, reason));
  }

  /**
   * changeStatus in the caller's transaction (an enforcement case suspends and reactivates the machines
   * it names together with the case record). The same rules apply; `reason` is required except to activate.
   */
  async changeStatusInTransaction(
    em: EntityManager,
    actor: Actor,
    id: string,
    dto: ChangeMachineStatusDto,
    reason: string | null = dto.reason?.trim() || null,
  ): Promise<MachineView> {
    if (dto.status !== MachineStatus.Active && !reason)
      throw DomainError.invalid('reason', 'isNotEmpty', 'A reason is required');
    const found = await this.machines.findForUpdate(em, id);
    if (!found) throw DomainError.notFound('Machine');
    const { machine: m, enterprise } = found;
    this.access.assertReadable(actor, enterprise, 'Machine');
    const change: MachineStatusChange = {
      from: m.status,
      to: dto.status,
      authority: this.authorityOver(actor, enterprise),
      suspendedByRegulator: m.suspendedByRegulator,
    };
    const verdict = judgeMachineStatusChange(change);
    if (!verdict.allowed) throw new DomainError(verdict.code, verdict.message);
    if (dto.status === MachineStatus.Active && enterprise.status !== EnterpriseStatus.Active) {
      throw new DomainError(
        ErrorCode.ENTERPRISE_INACTIVE,
        `The enterprise is ${enterprise.status}; its machines cannot be activated`,
      );
    }
    const activeCode = await this.codes.findActiveForSubject(CodeSubjectType.Machine, m.id);
    const before = machineAuditSnapshot(this.view(m, enterprise, activeCode));
    m.status = dto.status;
    m.statusReason = reason;
    m.suspendedByRegulator = suspensionByRegulatorAfter(change);
    const scope = { enterpriseId: enterprise.id, regionPath: enterprise.regionPath };
    if (dto.status === MachineStatus.Retired) {
      m.retiredAt = this.clock.now();
      m.chipId = null;
      await this.codes.revokeInTransaction(
        em,
        actor,
        CodeSubjectType.Machine,
        m.id,
        scope,
        `machine retired: ${reason}`,
      );
    }
    const saved = await this.machines.save(em, m);
    const view = this.view(saved, enterprise, dto.status === MachineStatus.Retired ? null : activeCode);
    await this.audit.record(em, actor, {
      action: 'machine.status',
      entityType: ENTITY,
      entityId: m.id,
      ...scope,
      before,
      after: machineAuditSnapshot(view),
    });
    return view;
  }

  private authorityOver(actor: Actor, enterprise: Enterprise): MachineAuthority {
    if (isPlatform(actor)) return 'platform';
    if (this.access.canManageEnterprise(actor, enterprise)) return 'owner';
    if (this.access.canRegulateEnterprise(actor, enterprise)) return 'regulator';
    throw new DomainError(ErrorCode.FORBIDDEN, 'You may not change the status of this machine');
  }

  /** Resolves and checks the owner of a new machine: in scope, manageable by the actor, and active. */
  private async enterpriseForNewMachine(
    em: EntityManager,
    actor: Actor,
    requestedId: string | undefined,
  ): Promise<Enterprise> {
    let enterpriseId = requestedId;
    if (this.access.isEnterpriseUser(actor)) enterpriseId = requestedId ?? actor.enterpriseId ?? undefined;
    else if (!isPlatform(actor))
      throw new DomainError(ErrorCode.FORBIDDEN, 'Machines are registered by their enterprise or a platform admin');
    if (!enterpriseId) throw DomainError.invalid('enterpriseId', 'required', 'enterpriseId is required');
    const enterprise = await this.enterprises.findByIdForShare(em, enterpriseId);
    if (!enterprise) throw DomainError.notFound('Enterprise');
    this.access.assertManageable(actor, enterprise, 'Enterprise');
    if (enterprise.status !== EnterpriseStatus.Active) {
      throw new DomainError(
        ErrorCode.ENTERPRISE_INACTIVE,
        `The enterprise is ${enterprise.status}; it cannot register machines`,
      );
    }
    return enterprise;
  }

  private view(m: Machine, enterprise: Enterprise, code: IdentityCode | null): MachineView {
    return toMachineView(m, enterprise.name, code, (c) => this.codes.urlFor(c));
  }
}
