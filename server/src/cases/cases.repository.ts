import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseDecisionKind, CaseState, EnforcementCase } from './case.entity';

export interface CaseListFilter {
  state?: CaseState;
  hazardId?: string;
  /** Enterprises in this region subtree. */
  regionPath?: string;
  decision?: CaseDecisionKind;
  /** YYYY-MM, China time. */
  month?: string;
}

const DECISION_SQL: Record<CaseDecisionKind, string> = {
  [CaseDecisionKind.Warning]: 'c.warning',
  [CaseDecisionKind.Fine]: 'c.fine_yuan IS NOT NULL',
  [CaseDecisionKind.MachineSuspension]: 'cardinality(c.suspended_machine_ids) > 0',
  [CaseDecisionKind.ProductionHalt]: 'c.production_halt',
};

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
    f: CaseListFilter,
    offset: number,
    limit: number,
  ): Promise<[EnforcementCase[], number]> {
    const qb = this.ds.getRepository(EnforcementCase).createQueryBuilder('c');
    if (regionPath !== null) qb.andWhere(`c.region_path LIKE :p`, { p: `${regionPath}%` });
    if (f.regionPath) qb.andWhere(`starts_with(c.region_path, :rp)`, { rp: f.regionPath });
    if (f.state) qb.andWhere('c.state = :s', { s: f.state });
    if (f.hazardId) qb.andWhere('c.source_hazard_id = :h', { h: f.hazardId });
    if (f.decision) qb.andWhere(DECISION_SQL[f.decision]);
    if (f.month)
      qb.andWhere(`to_char(c.opened_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') = :month`, { month: f.month });
    return qb.orderBy('c.opened_at', 'DESC').addOrderBy('c.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }

  /** Open cases in the subtree (null: all) that suspended machines, newest first. */
  openSuspending(regionPath: string | null): Promise<EnforcementCase[]> {
    const qb = this.ds
      .getRepository(EnforcementCase)
      .createQueryBuilder('c')
      .where('c.state = :open', { open: CaseState.Open })
      .andWhere('cardinality(c.suspended_machine_ids) > 0');
    if (regionPath !== null) qb.andWhere(`c.region_path LIKE :p`, { p: `${regionPath}%` });
    return qb.orderBy('c.opened_at', 'DESC').getMany();
  }
}
