import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Blackout, BlackoutEffect } from './blackout.entity';
import { BlackoutStatus } from './dto/blackout.dto';

/**
 * Which blackouts a reader sees: all; `related` = declared inside the path's subtree or for an
 * ancestor of it (a regulator); `applyingTo` = declared for the path or an ancestor (an enterprise).
 */
export type BlackoutReadScope =
  { kind: 'all' } | { kind: 'related'; path: string } | { kind: 'applyingTo'; path: string } | { kind: 'none' };

@Injectable()
export class BlackoutsRepository {
  constructor(@InjectRepository(Blackout) private readonly repo: Repository<Blackout>) {}

  /** Most restrictive first: the one in force that ends last, then the broadest region. */
  findActiveCovering(regionPath: string, at: Date): Promise<Blackout | null> {
    return this.repo
      .createQueryBuilder('b')
      .where('b.cancelled_at IS NULL')
      .andWhere('b.effect = :ban', { ban: BlackoutEffect.Ban })
      .andWhere('b.starts_at <= :at', { at })
      .andWhere('b.ends_at > :at', { at })
      .andWhere('starts_with(:regionPath, b.region_path)', { regionPath })
      .orderBy('b.ends_at', 'DESC')
      .addOrderBy('length(b.region_path)', 'ASC')
      .limit(1)
      .getOne();
  }

  /** Blackouts covering the region whose window overlaps [start, end), earliest first. */
  findOverlapping(regionPath: string, start: Date, end: Date, em?: EntityManager): Promise<Blackout[]> {
    const repo = em ? em.getRepository(Blackout) : this.repo;
    return repo
      .createQueryBuilder('b')
      .where('b.cancelled_at IS NULL')
      .andWhere('b.starts_at < :end', { end })
      .andWhere('b.ends_at > :start', { start })
      .andWhere('starts_with(:regionPath, b.region_path)', { regionPath })
      .orderBy('b.starts_at', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .getMany();
  }

  findById(id: string): Promise<Blackout | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<Blackout | null> {
    return em
      .getRepository(Blackout)
      .createQueryBuilder('b')
      .setLock('pessimistic_write')
      .where('b.id = :id', { id })
      .getOne();
  }

  insert(em: EntityManager, b: Partial<Blackout>): Promise<Blackout> {
    return em.getRepository(Blackout).save(em.create(Blackout, b));
  }

  async markCancelled(em: EntityManager, b: Blackout): Promise<void> {
    await em
      .getRepository(Blackout)
      .update({ id: b.id }, { cancelledAt: b.cancelledAt, cancelledBy: b.cancelledBy, cancelReason: b.cancelReason });
  }

  /** Newest start first. */
  listScoped(
    scope: BlackoutReadScope,
    status: BlackoutStatus | undefined,
    now: Date,
    offset: number,
    limit: number,
  ): Promise<[Blackout[], number]> {
    const qb = this.repo.createQueryBuilder('b');
    if (scope.kind === 'none') qb.andWhere('1 = 0');
    if (scope.kind === 'related')
      qb.andWhere('(starts_with(b.region_path, :scopePath) OR starts_with(:scopePath, b.region_path))', {
        scopePath: scope.path,
      });
    if (scope.kind === 'applyingTo') qb.andWhere('starts_with(:scopePath, b.region_path)', { scopePath: scope.path });
    if (status === BlackoutStatus.Cancelled) qb.andWhere('b.cancelled_at IS NOT NULL');
    if (status === BlackoutStatus.Scheduled) qb.andWhere('b.cancelled_at IS NULL AND b.starts_at > :now', { now });
    if (status === BlackoutStatus.Active)
      qb.andWhere('b.cancelled_at IS NULL AND b.starts_at <= :now AND b.ends_at > :now', { now });
    if (status === BlackoutStatus.Ended) qb.andWhere('b.cancelled_at IS NULL AND b.ends_at <= :now', { now });
    return qb.orderBy('b.starts_at', 'DESC').addOrderBy('b.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }
}
