import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { WelderEngagement } from './welder-engagement.entity';

/** An engagement counts on day D when starts_on <= D <= ends_on (open-ended when ends_on is null). */
export const ACTIVE_ON = (alias: string, param: string) =>
  `${alias}.starts_on <= :${param} AND (${alias}.ends_on IS NULL OR ${alias}.ends_on >= :${param})`;

@Injectable()
export class EngagementsRepository {
  constructor(
    @InjectRepository(WelderEngagement) private readonly repo: Repository<WelderEngagement>,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
  ) {}

  /** Enterprises each welder is engaged to on `day`, keyed by welder id. */
  async findActiveEnterprisesByWelder(
    welderIds: string[],
    day: string,
    em: EntityManager = this.repo.manager,
  ): Promise<Map<string, Enterprise[]>> {
    const out = new Map<string, Enterprise[]>();
    if (!welderIds.length) return out;
    const rows = await em
      .createQueryBuilder(WelderEngagement, 'g')
      .innerJoin(Enterprise, 'ge', 'ge.id = g.enterprise_id')
      .select('g.welder_id', 'welderId')
      .addSelect('ge.id', 'id')
      .addSelect('ge.region_path', 'regionPath')
      .addSelect('ge.name', 'name')
      .addSelect('ge.status', 'status')
      .where({ welderId: In(welderIds) })
      .andWhere(ACTIVE_ON('g', 'day'), { day })
      .getRawMany<{ welderId: string; id: string; regionPath: string; name: string; status: string }>();
    for (const r of rows) {
      const list = out.get(r.welderId) ?? [];
      list.push(
        Object.assign(new Enterprise(), { id: r.id, regionPath: r.regionPath, name: r.name, status: r.status }),
      );
      out.set(r.welderId, list);
    }
    return out;
  }

  async findOfWelderWithEnterprise(
    welderId: string,
  ): Promise<{ engagement: WelderEngagement; enterpriseName: string }[]> {
    const engagements = await this.repo.find({ where: { welderId }, order: { startsOn: 'DESC', createdAt: 'DESC' } });
    const ids = [...new Set(engagements.map((g) => g.enterpriseId))];
    const enterprises = await this.enterpriseLookup.findByIds(ids);
    const names = new Map(enterprises.map((e) => [e.id, e.name]));
    return engagements.map((engagement) => ({ engagement, enterpriseName: names.get(engagement.enterpriseId) ?? '' }));
  }

  /** An engagement of the same welder with the same enterprise whose dates overlap [startsOn, endsOn]. */
  findOverlapping(
    em: EntityManager,
    welderId: string,
    enterpriseId: string,
    startsOn: string,
    endsOn: string | null,
  ): Promise<WelderEngagement | null> {
    return em
      .createQueryBuilder(WelderEngagement, 'g')
      .where('g.welder_id = :welderId AND g.enterprise_id = :enterpriseId', { welderId, enterpriseId })
      .andWhere(`g.starts_on <= COALESCE(CAST(:endsOn AS date), 'infinity'::date)`, { endsOn })
      .andWhere(`COALESCE(g.ends_on, 'infinity'::date) >= :startsOn`, { startsOn })
      .getOne();
  }

  findOfWelderForUpdate(em: EntityManager, welderId: string, engagementId: string): Promise<WelderEngagement | null> {
    return em.findOne(WelderEngagement, { where: { id: engagementId, welderId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Submitted or approved permits of `enterpriseId` naming the welder that fall in days an engagement
   * gives up when its last day moves from `oldLastDay` (null: open-ended) to `newLastDay` (China dates).
   * A permit wholly after `oldLastDay` rests on another engagement, not this one.
   */
  async findPermitsInDaysGivenUp(
    em: EntityManager,
    welderId: string,
    enterpriseId: string,
    newLastDay: string,
    oldLastDay: string | null,
  ): Promise<{ id: string; plannedEnd: Date }[]> {
    const rows: { id: string; planned_end: Date }[] = await em.query(
      `SELECT p.id, p.planned_end FROM permits p JOIN permit_welders pw ON pw.permit_id = p.id
        WHERE pw.welder_id = $1 AND p.enterprise_id = $2 AND p.status IN ('submitted', 'approved')
          AND (p.planned_end AT TIME ZONE 'Asia/Shanghai')::date > $3::date
          AND ($4::date IS NULL OR (p.planned_start AT TIME ZONE 'Asia/Shanghai')::date <= $4::date)
        ORDER BY p.planned_end`,
      [welderId, enterpriseId, newLastDay, oldLastDay],
    );
    return rows.map((r) => ({ id: r.id, plannedEnd: r.planned_end }));
  }

  async updateEnd(em: EntityManager, engagementId: string, endsOn: string): Promise<void> {
    await em.update(WelderEngagement, { id: engagementId }, { endsOn });
  }

  insert(em: EntityManager, data: Partial<WelderEngagement>): Promise<WelderEngagement> {
    return em.save(WelderEngagement, em.create(WelderEngagement, data));
  }
}
