import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DrawCandidate } from './inspection-draw';
import { InspectionPlan, InspectionTarget } from './inspection.entity';

export interface InspectorAccount {
  id: string;
  displayName: string;
}

@Injectable()
export class InspectionsRepository {
  constructor(private readonly ds: DataSource) {}

  insertPlan(em: EntityManager, p: Partial<InspectionPlan>): Promise<InspectionPlan> {
    return em.getRepository(InspectionPlan).save(em.create(InspectionPlan, p));
  }

  async insertTargets(
    em: EntityManager,
    targets: Pick<InspectionTarget, 'planId' | 'position' | 'enterpriseId' | 'weight' | 'inspectorIds'>[],
  ): Promise<void> {
    if (targets.length) await em.getRepository(InspectionTarget).insert(targets);
  }

  findPlan(id: string): Promise<InspectionPlan | null> {
    return this.ds.getRepository(InspectionPlan).findOne({ where: { id } });
  }

  targetsOf(planId: string): Promise<InspectionTarget[]> {
    return this.ds.getRepository(InspectionTarget).find({ where: { planId }, order: { position: 'ASC' } });
  }

  findTarget(planId: string, position: number): Promise<InspectionTarget | null> {
    return this.ds.getRepository(InspectionTarget).findOne({ where: { planId, position } });
  }

  /** Targets by id with their plan's title (missing ids are left out). */
  async targetRefs(ids: string[]): Promise<{ id: string; planId: string; planTitle: string; position: number }[]> {
    if (!ids.length) return [];
    return this.ds
      .getRepository(InspectionTarget)
      .createQueryBuilder('t')
      .innerJoin(InspectionPlan, 'p', 'p.id = t.plan_id')
      .select(['t.id AS id', 't.plan_id AS "planId"', 'p.title AS "planTitle"', 't.position AS position'])
      .where('t.id IN (:...ids)', { ids })
      .getRawMany();
  }

  findTargetForUpdate(em: EntityManager, planId: string, position: number): Promise<InspectionTarget | null> {
    return em
      .getRepository(InspectionTarget)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.plan_id = :planId AND t.position = :position', { planId, position })
      .getOne();
  }

  async saveTarget(em: EntityManager, t: InspectionTarget): Promise<void> {
    await em.getRepository(InspectionTarget).save(t);
  }

  /** Plans in a region subtree (null: all), newest first. */
  listPlans(regionPath: string | null, offset: number, limit: number): Promise<[InspectionPlan[], number]> {
    const qb = this.ds.getRepository(InspectionPlan).createQueryBuilder('p');
    if (regionPath) qb.where('p.region_path LIKE :path', { path: `${regionPath}%` });
    return qb.orderBy('p.drawn_at', 'DESC').addOrderBy('p.id', 'ASC').skip(offset).take(limit).getManyAndCount();
  }

  /**
   * The draw's candidates: active enterprises of the region subtree, each with its alerts not yet closed
   * and the days since it was last drawn for an inspection (null: never). One statement over three
   * modules' tables, taken inside the plan's transaction so that what is recorded is what was drawn from.
   */
  async candidates(em: EntityManager, regionPath: string, at: Date): Promise<DrawCandidate[]> {
    const rows: { id: string; open_alerts: string; last_period: string | null }[] = await em.query(
      `SELECT e.id,
              (SELECT count(*) FROM alerts a WHERE a.enterprise_id = e.id AND a.state <> 'closed') AS open_alerts,
              (SELECT max(p.period_start)::text FROM inspection_targets t JOIN inspection_plans p ON p.id = t.plan_id
                WHERE t.enterprise_id = e.id) AS last_period
         FROM enterprises e
        WHERE e.region_path LIKE $1 AND e.status = 'active'
        ORDER BY e.id`,
      [`${regionPath}%`],
    );
    const day = 86_400_000;
    return rows.map((r) => ({
      enterpriseId: r.id,
      openAlerts: Number(r.open_alerts),
      daysSinceInspection:
        r.last_period === null
          ? null
          : Math.max(0, Math.floor((at.getTime() - Date.parse(`${r.last_period}T00:00:00+08:00`)) / day)),
    }));
  }

  /** The region's inspectors: active regulator accounts whose region lies in the subtree. */
  inspectorPool(em: EntityManager, regionPath: string): Promise<InspectorAccount[]> {
    return em.query(
      `SELECT u.id, u.display_name AS "displayName"
         FROM users u JOIN regions r ON r.code = u.region_code
        WHERE u.role = 'regulator' AND u.status = 'active' AND r.path LIKE $1
        ORDER BY u.id`,
      [`${regionPath}%`],
    );
  }
}
