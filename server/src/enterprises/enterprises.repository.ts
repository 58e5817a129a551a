import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { likeContains } from '../common/validation/field-helpers';
import { Enterprise, EnterpriseStatus } from './enterprise.entity';
import { AssetCounts } from './enterprise.view';

export interface EnterpriseFilter {
  /** Narrows the query to what the actor may see (AccessPolicy.scopeToEnterprises). */
  scope: (qb: SelectQueryBuilder<Enterprise>, alias: string) => SelectQueryBuilder<Enterprise>;
  regionPath?: string;
  status?: EnterpriseStatus;
  industry?: string;
  nameContains?: string;
}

export interface EnterprisePageFilter extends EnterpriseFilter {
  offset: number;
  limit: number;
}

@Injectable()
export class EnterprisesRepository {
  constructor(private readonly ds: DataSource) {}

  findById(id: string, em: EntityManager = this.ds.manager): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { id } });
  }

  /** Row-locked read for a status or profile change inside a transaction. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Share-locked read: the enterprise cannot be suspended while a machine is being registered to it. */
  findByIdForShare(em: EntityManager, id: string): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  findByUscc(em: EntityManager, uscc: string): Promise<Enterprise | null> {
    return em.findOne(Enterprise, { where: { uscc } });
  }

  save(em: EntityManager, e: Enterprise): Promise<Enterprise> {
    return em.save(Enterprise, e);
  }

  create(em: EntityManager, data: Partial<Enterprise>): Enterprise {
    return em.create(Enterprise, data);
  }

  /** The list's statement without order or page: scope and filters. */
  private filtered(f: EnterpriseFilter): SelectQueryBuilder<Enterprise> {
    const qb = this.ds.getRepository(Enterprise).createQueryBuilder('e');
    f.scope(qb, 'e');
    if (f.regionPath) qb.andWhere('e.region_path LIKE :regionPrefix', { regionPrefix: `${f.regionPath}%` });
    if (f.status) qb.andWhere('e.status = :status', { status: f.status });
    if (f.industry) qb.andWhere('e.industry = :industry', { industry: f.industry });
    if (f.nameContains) qb.andWhere('e.name ILIKE :name', { name: likeContains(f.nameContains) });
    return qb;
  }

  /**
   * The ledger export's statement: the list's scope, filters and order with the sheet's columns and the
   * asset counts of countAssets, for a server-side cursor in the export worker. Phones stay encrypted
   * here; the worker decrypts and masks them.
   */
  exportStatement(f: EnterpriseFilter): [string, unknown[]] {
    return this.filtered(f)
      .select([])
      .addSelect('e.name', 'name')
      .addSelect('e.uscc', 'uscc')
      .addSelect('e.industry', 'industry')
      .addSelect('e.region_code', 'regionCode')
      .addSelect('e.address', 'address')
      .addSelect('e.latitude::float8', 'latitude')
      .addSelect('e.longitude::float8', 'longitude')
      .addSelect('e.principal_name', 'principalName')
      .addSelect('e.principal_phone_enc', 'principalPhone')
      .addSelect('e.controller_name', 'controllerName')
      .addSelect('e.controller_phone_enc', 'controllerPhone')
      .addSelect('e.status', 'status')
      .addSelect('e.status_reason', 'statusReason')
      .addSelect(
        `(SELECT count(*)::int FROM machines m WHERE m.enterprise_id = e.id AND m.status <> 'retired')`,
        'machineCount',
      )
      .addSelect(
        `(SELECT count(*)::int FROM welders w WHERE w.employer_id = e.id AND w.status = 'active')`,
        'welderCount',
      )
      .addSelect('e.created_at', 'createdAt')
      .orderBy('e.region_path', 'ASC')
      .addOrderBy('e.name', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .getQueryAndParameters();
  }

  findPage(f: EnterprisePageFilter): Promise<[Enterprise[], number]> {
    const qb = this.filtered(f);
    return qb
      .orderBy('e.region_path', 'ASC')
      .addOrderBy('e.name', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .skip(f.offset)
      .take(f.limit)
      .getManyAndCount();
  }

  /** Machines in service (not retired) and active employed welders, per enterprise. */
  async countAssets(ids: string[], em: EntityManager = this.ds.manager): Promise<Map<string, AssetCounts>> {
    const out = new Map<string, AssetCounts>(ids.map((id) => [id, { machineCount: 0, welderCount: 0 }]));
    if (!ids.length) return out;
    const machines: { id: string; n: number }[] = await em.query(
      `SELECT enterprise_id AS id, count(*)::int AS n FROM machines WHERE enterprise_id = ANY($1::uuid[]) AND status <> 'retired' GROUP BY enterprise_id`,
      [ids],
    );
    const welders: { id: string; n: number }[] = await em.query(
      `SELECT employer_id AS id, count(*)::int AS n FROM welders WHERE employer_id = ANY($1::uuid[]) AND status = 'active' GROUP BY employer_id`,
      [ids],
    );
    for (const r of machines) out.get(r.id)!.machineCount = r.n;
    for (const r of welders) out.get(r.id)!.welderCount = r.n;
    return out;
  }
}
