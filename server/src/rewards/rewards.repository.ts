import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Reward, RewardRule, RewardState } from './reward.entity';

@Injectable()
export class RewardsRepository {
  constructor(private readonly ds: DataSource) {}

  /** Rules of the counties on the path (a township reads its county's table). */
  rulesOnPath(path: string): Promise<RewardRule[]> {
    return this.ds
      .getRepository(RewardRule)
      .createQueryBuilder('r')
      .where('starts_with(:path, r.region_path)', { path })
      .orderBy('r.category')
      .addOrderBy('r.level')
      .getMany();
  }

  /** The rule of the nearest region on the path with one for this category and level. */
  ruleFor(path: string, category: string, level: string): Promise<RewardRule | null> {
    return this.ds
      .getRepository(RewardRule)
      .createQueryBuilder('r')
      .where('starts_with(:path, r.region_path) AND r.category = :category AND r.level = :level', {
        path,
        category,
        level,
      })
      .orderBy('length(r.region_path)', 'DESC')
      .getOne();
  }

  findRule(em: EntityManager, regionCode: string, category: string, level: string): Promise<RewardRule | null> {
    return em.getRepository(RewardRule).findOne({ where: { regionCode, category, level } });
  }

  saveRule(em: EntityManager, r: Partial<RewardRule>): Promise<RewardRule> {
    return em.getRepository(RewardRule).save(em.create(RewardRule, r));
  }

  insertReward(em: EntityManager, r: Partial<Reward>): Promise<Reward> {
    return em.getRepository(Reward).save(em.create(Reward, r));
  }

  saveReward(em: EntityManager, r: Reward): Promise<Reward> {
    return em.getRepository(Reward).save(r);
  }

  findById(id: string): Promise<Reward | null> {
    return this.ds.getRepository(Reward).findOne({ where: { id } });
  }

  findByReport(reportId: string): Promise<Reward | null> {
    return this.ds.getRepository(Reward).findOne({ where: { reportId } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<Reward | null> {
    return em
      .getRepository(Reward)
      .createQueryBuilder('w')
      .setLock('pessimistic_write')
      .where('w.id = :id', { id })
      .getOne();
  }

  list(
    path: string | null,
    f: { state?: RewardState; reportId?: string },
    offset: number,
    limit: number,
  ): Promise<[Reward[], number]> {
    const qb = this.ds.getRepository(Reward).createQueryBuilder('w');
    if (path !== null) qb.andWhere('starts_with(w.region_path, :path)', { path });
    if (f.state) qb.andWhere('w.state = :state', { state: f.state });
    if (f.reportId) qb.andWhere('w.report_id = :reportId', { reportId: f.reportId });
    return qb.orderBy('w.proposed_at', 'DESC').addOrderBy('w.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }
}
