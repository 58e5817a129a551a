import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseState, EnforcementCase } from './case.entity';

@Injectable()
export class CasesRepository {
  constructor(private readonly ds: DataSource) {}

  insert(em: EntityManager, c: Partial<EnforcementCase>): Promise<EnforcementCase> {
    return em.getRepository(EnforcementCase).save(em.create(EnforcementCase, c));
  }

  async save(em: EntityManager, c: EnforcementCase): Promise<EnforcementCase> {
    return em.getRepository(EnforcementCase).save(c);
  }

  findById(id: string): Promise<EnforcementCase | null> {
    return this.ds.getRepository(EnforcementCase).findOne({ where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<EnforcementCase | null> {
    return em
      .getRepository(EnforcementCase)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .getOne();
  }

  /** regionPath null: every case (platform admins). */
  listInRegion(
    regionPath: string | null,
    f: { state?: CaseState; hazardId?: string },
    offset: number,
    limit: number,
  ): Promise<[EnforcementCase[], number]> {
    const qb = this.ds.getRepository(EnforcementCase).createQueryBuilder('c');
    if (regionPath !== null) qb.andWhere(`c.region_path LIKE :p`, { p: `${regionPath}%` });
    if (f.state) qb.andWhere('c.state = :s', { s: f.state });
    if (f.hazardId) qb.andWhere('c.source_hazard_id = :h', { h: f.hazardId });
    return qb.orderBy('c.opened_at', 'DESC').addOrderBy('c.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }
}
