import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Enterprise } from './enterprise.entity';

/**
 * How other modules read enterprises: by id, inside their own transaction when they pass `em`.
 * The enterprises table is EnterprisesModule's; nobody else queries it for a row by id.
 */
export interface EnterpriseLookup {
  findById(id: string, em?: EntityManager): Promise<Enterprise | null>;
  /** Missing ids are left out; order is not kept. */
  findByIds(ids: string[], em?: EntityManager): Promise<Enterprise[]>;
  /** The enterprise with this 统一社会信用代码, if registered (self-registration refuses duplicates). */
  findByUscc(uscc: string, em?: EntityManager): Promise<Enterprise | null>;
  /** Share-locked until the caller's transaction ends: the enterprise cannot be suspended meanwhile. */
  findByIdForShare(em: EntityManager, id: string): Promise<Enterprise | null>;
  /**
   * The ids of the enterprises the actor may read, as a subquery to embed (getQuery, getParameters).
   * `alias` must be unique in the statement it goes into.
   */
  visibleIdsQuery(actor: Actor, alias: string): SelectQueryBuilder<Enterprise>;
}

export const ENTERPRISE_LOOKUP = 'ENTERPRISE_LOOKUP';

/** The lookup over this module's table (the only implementation). */
@Injectable()
export class EnterpriseTableLookup implements EnterpriseLookup {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessPolicy,
  ) {}

  findById(id: string, em: EntityManager = this.ds.manager): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { id } });
  }

  async findByIds(ids: string[], em: EntityManager = this.ds.manager): Promise<Enterprise[]> {
    return ids.length ? em.find(Enterprise, { where: { id: In(ids) } }) : [];
  }

  findByUscc(uscc: string, em: EntityManager = this.ds.manager): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { uscc } });
  }

  findByIdForShare(em: EntityManager, id: string): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  visibleIdsQuery(actor: Actor, alias: string): SelectQueryBuilder<Enterprise> {
    const qb = this.ds.manager.createQueryBuilder(Enterprise, alias).select(`${alias}.id`);
    return this.access.scopeToEnterprises(qb, actor, alias);
  }
}
