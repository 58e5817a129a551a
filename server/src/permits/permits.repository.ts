import { CappedCount, cappedCount } from '../common/http/capped-count';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { Role } from '../common/roles/role';
import { GasAnalysis } from './gas-analysis.entity';
import { PermitLevel } from './permit-levels';
import { PermitAttachment } from './permit-attachment.entity';
import { ExtensionStatus, PermitExtension } from './permit-extension.entity';
import { PermitMachine, PermitWelder } from './permit-party.entity';
import { PermitDisplayStatus, PermitStatus } from './permit-status';
import { PermitTrailEntry, TrailAction } from './permit-trail-entry.entity';
import { Permit } from './permit.entity';

/** DH-<year>-<4+ digit sequence>: 动火 (DH), readable on paper and over the phone. */
export function formatPermitNo(year: number, seq: number): string {
  return `DH-${year}-${String(seq).padStart(4, '0')}`;
}

export interface PermitListFilter {
  status?: PermitDisplayStatus;
  level?: PermitLevel;
  enterpriseId?: string;
  welderId?: string;
  machineId?: string;
  activeAt?: Date;
  offset: number;
  limit: number;
}

/** Permit rows and what hangs off them. Methods take an EntityManager when they run inside a transaction. */
@Injectable()
export class PermitsRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessPolicy,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
  ) {}

  findById(id: string, em: EntityManager = this.ds.manager): Promise<Permit | null> {
    return em.findOne(Permit, { where: { id } });
  }

  /** Row lock: concurrent approvals of one permit are serialised. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<Permit | null> {
    return em.findOne(Permit, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findEnterpriseOf(p: Pick<Permit, 'enterpriseId'>, em: EntityManager = this.ds.manager): Promise<Enterprise | null> {
    return this.enterpriseLookup.findById(p.enterpriseId, em);
  }

  async namedWelderIds(permitId: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    return (await em.find(PermitWelder, { where: { permitId } })).map((r) => r.welderId);
  }

  async namedMachineIds(permitId: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    return (await em.find(PermitMachine, { where: { permitId } })).map((r) => r.machineId);
  }

  async isWelderNamed(permitId: string, welderId: string): Promise<boolean> {
    return (await this.ds.manager.count(PermitWelder, { where: { permitId, welderId } })) > 0;
  }

  async replaceWelders(em: EntityManager, permitId: string, welderIds: string[]): Promise<void> {
    await em.delete(PermitWelder, { permitId });
    if (welderIds.length)
      await em.insert(
        PermitWelder,
        welderIds.map((welderId) => ({ permitId, welderId })),
      );
  }

  async replaceMachines(em: EntityManager, permitId: string, machineIds: string[]): Promise<void> {
    await em.delete(PermitMachine, { permitId });
    if (machineIds.length)
      await em.insert(
        PermitMachine,
        machineIds.map((machineId) => ({ permitId, machineId })),
      );
  }

  /** Who signed (approved a step of) this round of the permit, or of one extension. */
  async signersOfRound(
    em: EntityManager,
    permitId: string,
    round: number,
    extensionId: string | null,
  ): Promise<string[]> {
    const qb = em
      .createQueryBuilder(PermitTrailEntry, 't')
      .select('t.actor_user_id', 'u')
      .where('t.permit_id = :permitId AND t.round = :round AND t.step IS NOT NULL AND t.actor_user_id IS NOT NULL', {
        permitId,
        round,
      })
      .andWhere('t.action IN (:...actions)', { actions: [TrailAction.Approved, TrailAction.ExtensionApproved] });
    if (extensionId) qb.andWhere('t.extension_id = :extensionId', { extensionId });
    else qb.andWhere('t.extension_id IS NULL');
    return (await qb.getRawMany<{ u: string }>()).map((r) => r.u);
  }

  findPendingExtension(em: EntityManager, permitId: string): Promise<PermitExtension | null> {
    return em.findOne(PermitExtension, { where: { permitId, status: ExtensionStatus.Pending } });
  }

  extensionsOf(permitId: string): Promise<PermitExtension[]> {
    return this.ds.manager.find(PermitExtension, { where: { permitId }, order: { requestedAt: 'ASC' } });
  }

  trailOf(permitId: string): Promise<PermitTrailEntry[]> {
    return this.ds.manager.find(PermitTrailEntry, { where: { permitId }, order: { seq: 'ASC' } });
  }

  gasAnalysesOf(permitId: string, em: EntityManager = this.ds.manager): Promise<GasAnalysis[]> {
    return em.find(GasAnalysis, { where: { permitId }, order: { takenAt: 'ASC' } });
  }

  attachmentsOf(permitId: string, offset = 0, limit = 200): Promise<[PermitAttachment[], number]> {
    return this.ds.manager.findAndCount(PermitAttachment, {
      where: { permitId },
      order: { uploadedAt: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  findAttachmentWithData(permitId: string, id: string): Promise<PermitAttachment | null> {
    return this.ds.manager
      .createQueryBuilder(PermitAttachment, 'a')
      .addSelect('a.data')
      .where('a.id = :id AND a.permit_id = :permitId', { id, permitId })
      .getOne();
  }

  namedWeldersOfPermits(permitIds: string[]): Promise<PermitWelder[]> {
    return permitIds.length
      ? this.ds.manager.find(PermitWelder, { where: { permitId: In(permitIds) } })
      : Promise.resolve([]);
  }

  namedMachinesOfPermits(permitIds: string[]): Promise<PermitMachine[]> {
    return permitIds.length
      ? this.ds.manager.find(PermitMachine, { where: { permitId: In(permitIds) } })
      : Promise.resolve([]);
  }

  /** Arc activity only ever moves forward, whatever order the reports arrive in. */
  async recordArcActivity(permitId: string, startedAt: Date, endedAt: Date | null): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `UPDATE permits SET first_arc_at = LEAST(COALESCE(first_arc_at, $2), $2),
         last_arc_started_at = GREATEST(COALESCE(last_arc_started_at, $2), $2),
         last_arc_ended_at = CASE WHEN $3::timestamptz IS NULL THEN last_arc_ended_at ELSE GREATEST(COALESCE(last_arc_ended_at, $3), $3) END
       WHERE id = $1 RETURNING id`,
      [permitId, startedAt, endedAt],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
  }

  /**
   * The next 作业票编号 of an enterprise for a China calendar year, e.g. DH-2026-0007. The upsert locks
   * the counter row until the caller's transaction ends, so concurrent drafts queue and never share a number.
   */
  async nextPermitNo(em: EntityManager, enterpriseId: string, year: number): Promise<string> {
    const rows: { last_seq: number }[] = await em.query(
      `INSERT INTO permit_number_counters (enterprise_id, year, last_seq) VALUES ($1, $2, 1)
       ON CONFLICT (enterprise_id, year) DO UPDATE SET last_seq = permit_number_counters.last_seq + 1
       RETURNING last_seq`,
      [enterpriseId, year],
    );
    return formatPermitNo(year, rows[0].last_seq);
  }

  /**
   * Submitted permits whose current step is one of `positions`, that `userId` neither applied for
   * nor has already signed in this round: what waits for this person's decision.
   */
  async countAwaiting(userId: string, enterpriseId: string, positions: string[]): Promise<number> {
    if (!positions.length) return 0;
    const rows: { n: string }[] = await this.ds.query(
      `SELECT count(*) AS n FROM permits p
        WHERE p.enterprise_id = $1 AND p.status = 'submitted' AND p.applicant_user_id <> $2
          AND (p.approval_chain ->> p.current_step) = ANY($3::text[])
          AND NOT EXISTS (SELECT 1 FROM permit_trail t WHERE t.permit_id = p.id AND t.round = p.approval_round
                            AND t.actor_user_id = $2 AND t.action = 'approved')`,
      [enterpriseId, userId, positions],
    );
    return Number(rows[0].n);
  }

  /** Permits the actor may see: enterprise scope, or (welders) the permits naming them. */
  async listVisible(actor: Actor, f: PermitListFilter, now: Date): Promise<[Permit[], CappedCount]> {
    const qb = this.ds.manager.createQueryBuilder(Permit, 'p').innerJoin(Enterprise, 'e', 'e.id = p.enterprise_id');
    if (actor.role === Role.Welder) {
      qb.andWhere('EXISTS (SELECT 1 FROM permit_welders sw WHERE sw.permit_id = p.id AND sw.welder_id = :selfWelder)', {
        selfWelder: actor.welderId ?? '00000000-0000-0000-0000-000000000000',
      });
    } else {
      this.access.scopeToEnterprises(qb, actor, 'e');
    }
    if (f.enterpriseId) qb.andWhere('p.enterprise_id = :enterpriseId', { enterpriseId: f.enterpriseId });
    if (f.level) qb.andWhere('p.effective_level = :level', { level: f.level });
    if (f.welderId)
      qb.andWhere('EXISTS (SELECT 1 FROM permit_welders fw WHERE fw.permit_id = p.id AND fw.welder_id = :welderId)', {
        welderId: f.welderId,
      });
    if (f.machineId)
      qb.andWhere(
        'EXISTS (SELECT 1 FROM permit_machines fm WHERE fm.permit_id = p.id AND fm.machine_id = :machineId)',
        { machineId: f.machineId },
      );
    if (f.activeAt)
      qb.andWhere('p.status = :approved AND p.planned_start <= :activeAt AND p.planned_end > :activeAt', {
        approved: PermitStatus.Approved,
        activeAt: f.activeAt,
      });
    if (f.status) {
      const approved = { approved: PermitStatus.Approved, now };
      if (f.status === 'approved')
        qb.andWhere('p.status = :approved AND p.planned_start > :now AND p.suspended_at IS NULL', approved);
      else if (f.status === 'active')
        qb.andWhere(
          'p.status = :approved AND p.planned_start <= :now AND p.planned_end > :now AND p.suspended_at IS NULL',
          approved,
        );
      else if (f.status === 'suspended')
        qb.andWhere('p.status = :approved AND p.planned_end > :now AND p.suspended_at IS NOT NULL', approved);
      else if (f.status === 'expired') qb.andWhere('p.status = :approved AND p.planned_end <= :now', approved);
      else qb.andWhere('p.status = :status', { status: f.status });
    }
    // One row per permit (the enterprise join is many-to-one): plain OFFSET/LIMIT and a capped count,
    // not skip/take's DISTINCT sub-select and COUNT(DISTINCT) over the whole scope (issue 19).
    return Promise.all([
      qb.clone().orderBy('p.planned_start', 'DESC').addOrderBy('p.id', 'ASC').offset(f.offset).limit(f.limit).getMany(),
      cappedCount(qb),
    ]);
  }
}
