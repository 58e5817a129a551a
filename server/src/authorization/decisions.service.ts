import { Injectable } from '@nestjs/common';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { cappedCount } from '../common/http/capped-count';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { DecisionRecord } from './decision.entity';
import { DecisionViewDto, GrantViewDto, toDecisionView, toGrantView } from './dto/decision.view';
import { ListDecisionsQueryDto, ListGrantsQueryDto } from './dto/list-decisions.query';
import { GrantRecord } from './grant.entity';

/** Read side: decision and grant timelines, scoped like the registry (regulators by subtree, enterprises their own, welders themselves). */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly access: AccessPolicy,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async listDecisions(actor: Actor, q: ListDecisionsQueryDto): Promise<Paginated<DecisionViewDto>> {
    const { from, to } = this.window(q.from, q.to);
    const qb = this.ds.getRepository(DecisionRecord).createQueryBuilder('d');
    this.scope(qb, actor, 'd');
    if (q.machineId) qb.andWhere('d.machine_id = :machineId', { machineId: q.machineId });
    if (q.welderId) qb.andWhere('d.welder_id = :welderId', { welderId: q.welderId });
    if (q.enterpriseId) qb.andWhere('d.enterprise_id = :enterpriseId', { enterpriseId: q.enterpriseId });
    if (q.allowed !== undefined) qb.andWhere('d.allowed = :allowed', { allowed: q.allowed });
    if (q.reason) qb.andWhere('d.reason = :reason', { reason: q.reason });
    // Bounds on `at` also prune the monthly partitions.
    if (from) qb.andWhere('d.at >= :from', { from });
    if (to) qb.andWhere('d.at < :to', { to });
    const total = await cappedCount(qb);
    const page = await withWelderName(qb, 'd')
      .orderBy('d.at', 'DESC')
      .addOrderBy('d.id', 'ASC')
      .offset(offsetOf(q))
      .limit(q.pageSize)
      .getRawAndEntities();
    const names = namesById(page.raw, 'd_id');
    return paginate(
      page.entities.map((d) => toDecisionView(d, names.get(d.id) ?? null)),
      total,
      q,
    );
  }

  async listGrants(actor: Actor, q: ListGrantsQueryDto): Promise<Paginated<GrantViewDto>> {
    const { from, to } = this.window(q.from, q.to);
    const qb = this.ds.getRepository(GrantRecord).createQueryBuilder('g');
    this.scope(qb, actor, 'g');
    if (q.machineId) qb.andWhere('g.machine_id = :machineId', { machineId: q.machineId });
    if (q.welderId) qb.andWhere('g.welder_id = :welderId', { welderId: q.welderId });
    if (q.permitId) qb.andWhere('g.permit_id = :permitId', { permitId: q.permitId });
    if (from) qb.andWhere('g.issued_at >= :from', { from });
    if (to) qb.andWhere('g.issued_at < :to', { to });
    const total = await cappedCount(qb);
    const page = await withWelderName(qb, 'g')
      .orderBy('g.issued_at', 'DESC')
      .addOrderBy('g.grant_id', 'ASC')
      .offset(offsetOf(q))
      .limit(q.pageSize)
      .getRawAndEntities();
    const names = namesById(page.raw, 'g_grant_id');
    const now = this.clock.now();
    return paginate(
      page.entities.map((g) => toGrantView(g, now, names.get(g.grantId) ?? null)),
      total,
      q,
    );
  }

  private scope<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, actor: Actor, alias: string): void {
    if (actor.role === Role.Welder) {
      qb.andWhere(`${alias}.welder_id = :scopeWelderId`, {
        scopeWelderId: actor.welderId ?? '00000000-0000-0000-0000-000000000000',
      });
      return;
    }
    // The row's own region_path and enterprise_id (written with it): no join, the index serves scope and order.
    this.access.scopeByOwnColumns(qb, actor, alias);
  }

  private window(fromText?: string, toText?: string): { from?: Date; to?: Date } {
    const from = fromText ? new Date(fromText) : undefined;
    const to = toText ? new Date(toText) : undefined;
    if (from && to && to <= from) throw DomainError.invalid('to', 'toNotAfterFrom', 'to must be later than from');
    return { from, to };
  }
}

/** Names the welder in the same query (timelines say who, not which UUID). */
function withWelderName<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string): SelectQueryBuilder<T> {
  return qb.leftJoin('welders', 'w', `w.id = ${alias}.welder_id`).addSelect('w.real_name', 'welder_name');
}

function namesById(raw: Record<string, unknown>[], idColumn: string): Map<string, string | null> {
  return new Map(raw.map((r) => [String(r[idColumn]), (r.welder_name as string | null) ?? null]));
}
