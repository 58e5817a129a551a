import { Injectable } from '@nestjs/common';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { cappedCount } from '../common/http/capped-count';
import { CursorShape, cursorInstantSql, decodeCursor, encodeCursor } from '../common/http/keyset-cursor';
import { offsetOf, paginateWithCursor, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { DecisionRecord } from './decision.entity';
import { DecisionViewDto, GrantViewDto, toDecisionView, toGrantView } from './dto/decision.view';
import { DECISION_CURSOR, GRANT_CURSOR, ListDecisionsQueryDto, ListGrantsQueryDto } from './dto/list-decisions.query';
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
    const page = await keysetPage(withWelderName(qb, 'd'), q, DECISION_CURSOR, 'd.at', 'd.id').getRawAndEntities();
    const names = namesById(page.raw, 'd_id');
    const items = page.entities.slice(0, q.pageSize);
    const next = nextCursor(page.raw, page.entities.length, q, 'd_id', items[items.length - 1]?.id);
    return paginateWithCursor(
      items.map((d) => toDecisionView(d, names.get(d.id) ?? null)),
      total,
      q,
      next,
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
    const page = await keysetPage(
      withWelderName(qb, 'g'),
      q,
      GRANT_CURSOR,
      'g.issued_at',
      'g.grant_id',
    ).getRawAndEntities();
    const names = namesById(page.raw, 'g_grant_id');
    const items = page.entities.slice(0, q.pageSize);
    const next = nextCursor(page.raw, page.entities.length, q, 'g_grant_id', items[items.length - 1]?.grantId);
    const now = this.clock.now();
    return paginateWithCursor(
      items.map((g) => toGrantView(g, now, names.get(g.grantId) ?? null)),
      total,
      q,
      next,
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

/**
 * Newest first, then by id (unique), one row more than the page (whether there is a next one); with a
 * cursor, the rows after the previous page's last (issue 19: no OFFSET to read through), else by page.
 * Selects the time key as text to the microsecond (`key_at`) for the next cursor.
 */
function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  q: PaginationQueryDto & { cursor?: string },
  shape: CursorShape<'at' | 'id'>,
  atColumn: string,
  idColumn: string,
): SelectQueryBuilder<T> {
  const after = q.cursor ? decodeCursor(shape, q.cursor) : null;
  if (after)
    qb.andWhere(`(${atColumn}, ${idColumn}) < (CAST(:afterAt AS timestamptz), :afterId)`, {
      afterAt: after.at,
      afterId: after.id,
    });
  return qb
    .addSelect(cursorInstantSql(atColumn), 'key_at')
    .orderBy(atColumn, 'DESC')
    .addOrderBy(idColumn, 'DESC')
    .offset(after ? 0 : offsetOf(q))
    .limit(q.pageSize + 1);
}

/** The cursor after the page's last row (`lastId`), when the query found more rows than the page. */
function nextCursor(
  raw: Record<string, unknown>[],
  found: number,
  q: PaginationQueryDto,
  idColumn: string,
  lastId: string | undefined,
): string | null {
  if (found <= q.pageSize || lastId === undefined) return null;
  const row = raw.find((r) => String(r[idColumn]) === lastId);
  return row ? encodeCursor({ at: String(row.key_at), id: lastId }) : null;
}

/** Names the welder in the same query (timelines say who, not which UUID). */
function withWelderName<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string): SelectQueryBuilder<T> {
  return qb.leftJoin('welders', 'w', `w.id = ${alias}.welder_id`).addSelect('w.real_name', 'welder_name');
}

function namesById(raw: Record<string, unknown>[], idColumn: string): Map<string, string | null> {
  return new Map(raw.map((r) => [String(r[idColumn]), (r.welder_name as string | null) ?? null]));
}
