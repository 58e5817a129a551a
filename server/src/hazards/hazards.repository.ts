import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { CheckedPhoto } from '../common/files/photo-files';
import { Hazard, HazardEvent, HazardMeasure, HazardPhoto } from './hazard.entity';
import { HazardCategory, HazardLevel, HazardSource, HazardState } from './hazard-rules';
import { returnedRows } from '../database/returned-rows';

/** all: platform admins; subtree: a regulator's region; enterprise: its own staff; none: anyone else. */
export type HazardScope =
  { kind: 'all' } | { kind: 'subtree'; path: string } | { kind: 'enterprise'; enterpriseId: string } | { kind: 'none' };

export interface HazardFilters {
  regionPath?: string;
  enterpriseId?: string;
  category?: HazardCategory;
  level?: HazardLevel;
  state?: HazardState;
  source?: HazardSource;
  overdueAt?: Date;
  sourceAlertId?: string;
  sourceReportId?: string;
  industry?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

export interface OverdueByEnterprise {
  enterpriseId: string;
  overdueCount: number;
  majorOverdueCount: number;
  oldestDeadline: Date;
}

@Injectable()
export class HazardsRepository {
  constructor(private readonly ds: DataSource) {}

  insertHazard(em: EntityManager, h: Partial<Hazard>): Promise<Hazard> {
    return em.getRepository(Hazard).save(em.create(Hazard, h));
  }

  async saveHazard(em: EntityManager, h: Hazard): Promise<void> {
    await em.getRepository(Hazard).save(h);
  }

  async appendEvent(em: EntityManager, e: Omit<HazardEvent, 'id'>): Promise<string> {
    const r = await em.getRepository(HazardEvent).insert(e);
    return String(r.identifiers[0].id);
  }

  async insertPhotos(
    em: EntityManager,
    hazardId: string,
    eventId: string,
    photos: (CheckedPhoto & { sha256: string })[],
  ): Promise<void> {
    if (!photos.length) return;
    await em.getRepository(HazardPhoto).insert(
      photos.map((p, i) => ({
        hazardId,
        eventId,
        position: i + 1,
        contentType: p.contentType,
        sizeBytes: p.data.length,
        sha256: p.sha256,
        data: p.data,
      })),
    );
  }

  /** The hazards an inspection target's on-site visit registered, oldest first. */
  ofInspectionTarget(targetId: string): Promise<Hazard[]> {
    return this.ds
      .getRepository(Hazard)
      .find({ where: { sourceInspectionTargetId: targetId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<Hazard | null> {
    return this.ds.getRepository(Hazard).findOne({ where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<Hazard | null> {
    return em
      .getRepository(Hazard)
      .createQueryBuilder('h')
      .setLock('pessimistic_write')
      .where('h.id = :id', { id })
      .getOne();
  }

  async existsForAlert(alertId: string): Promise<boolean> {
    return this.ds.getRepository(Hazard).exists({ where: { sourceAlertId: alertId } });
  }

  findForReport(reportId: string): Promise<Hazard | null> {
    return this.ds.getRepository(Hazard).findOne({ where: { sourceReportId: reportId } });
  }

  async existsForReport(reportId: string): Promise<boolean> {
    return this.ds.getRepository(Hazard).exists({ where: { sourceReportId: reportId } });
  }

  /** Newest first. */
  list(scope: HazardScope, f: HazardFilters, offset: number, limit: number): Promise<[Hazard[], number]> {
    const qb = this.ds.getRepository(Hazard).createQueryBuilder('h');
    switch (scope.kind) {
      case 'all':
        break;
      case 'subtree':
        qb.andWhere('starts_with(h.region_path, :scopePath)', { scopePath: scope.path });
        break;
      case 'enterprise':
        qb.andWhere('h.enterprise_id = :scopeEnterprise', { scopeEnterprise: scope.enterpriseId });
        break;
      default:
        qb.andWhere('1 = 0');
    }
    if (f.regionPath) qb.andWhere('starts_with(h.region_path, :regionPath)', { regionPath: f.regionPath });
    if (f.enterpriseId) qb.andWhere('h.enterprise_id = :enterpriseId', { enterpriseId: f.enterpriseId });
    if (f.category) qb.andWhere('h.category = :category', { category: f.category });
    if (f.level) qb.andWhere('h.level = :level', { level: f.level });
    if (f.state) qb.andWhere('h.state = :state', { state: f.state });
    if (f.source) qb.andWhere('h.source = :source', { source: f.source });
    if (f.sourceAlertId) qb.andWhere('h.source_alert_id = :sourceAlertId', { sourceAlertId: f.sourceAlertId });
    if (f.sourceReportId) qb.andWhere('h.source_report_id = :sourceReportId', { sourceReportId: f.sourceReportId });
    if (f.overdueAt) qb.andWhere(`h.state = 'ordered' AND h.deadline < :overdueAt`, { overdueAt: f.overdueAt });
    // The statistics drill-down: the enterprise's industry (read from enterprises, declared in table-ownership.spec.ts).
    if (f.industry)
      qb.andWhere('h.enterprise_id IN (SELECT e.id FROM enterprises e WHERE e.industry = :industry)', {
        industry: f.industry,
      });
    if (f.createdFrom) qb.andWhere('h.created_at >= :createdFrom', { createdFrom: f.createdFrom });
    if (f.createdBefore) qb.andWhere('h.created_at < :createdBefore', { createdBefore: f.createdBefore });
    return qb.orderBy('h.created_at', 'DESC').addOrderBy('h.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }

  /** Enterprises in scope with ordered hazards past their deadline, the most overdue first. */
  async overdueByEnterprise(scope: HazardScope, now: Date): Promise<OverdueByEnterprise[]> {
    const where: string[] = [`state = 'ordered'`, `deadline < $1`];
    const params: unknown[] = [now];
    if (scope.kind === 'subtree') {
      params.push(scope.path);
      where.push(`starts_with(region_path, $${params.length})`);
    } else if (scope.kind === 'enterprise') {
      params.push(scope.enterpriseId);
      where.push(`enterprise_id = $${params.length}`);
    } else if (scope.kind === 'none') where.push('false');
    const rows: { enterprise_id: string; n: number; major: number; oldest: Date }[] = await this.ds.query(
      `SELECT enterprise_id, count(*)::int AS n, count(*) FILTER (WHERE level = 'major')::int AS major, min(deadline) AS oldest
         FROM hazards WHERE ${where.join(' AND ')}
        GROUP BY enterprise_id ORDER BY min(deadline), enterprise_id LIMIT 500`,
      params,
    );
    return rows.map((r) => ({
      enterpriseId: r.enterprise_id,
      overdueCount: r.n,
      majorOverdueCount: r.major,
      oldestDeadline: new Date(r.oldest),
    }));
  }

  /** Ordered hazards past their deadline that have had no overdue alert for the current deadline. */
  findOverdueUnalerted(now: Date, limit = 500): Promise<Hazard[]> {
    return this.ds
      .getRepository(Hazard)
      .createQueryBuilder('h')
      .where(`h.state = 'ordered' AND h.deadline < :now`, { now })
      .andWhere('(h.overdue_alerted_for IS NULL OR h.overdue_alerted_for <> h.deadline)')
      .orderBy('h.deadline', 'ASC')
      .take(limit)
      .getMany();
  }

  /**
   * Marks the hazard's overdue alert as raised for `deadline`, if it still is overdue and unalerted for it: the
   * scan's list can be minutes old, and meanwhile the enterprise may have reported the rectification. Locks the
   * row first, as a rectification does, so the two queue instead of crossing. False: nothing to raise.
   */
  async claimOverdueAlert(em: EntityManager, id: string, deadline: Date): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await em.query(
        `UPDATE hazards SET overdue_alerted_for = deadline
        WHERE id = $1 AND state = 'ordered' AND deadline = $2 AND overdue_alerted_for IS DISTINCT FROM deadline
        RETURNING id`,
        [id, deadline],
      ),
    );
    return rows.length > 0;
  }

  eventsOf(hazardId: string): Promise<HazardEvent[]> {
    return this.ds.getRepository(HazardEvent).find({ where: { hazardId }, order: { id: 'ASC' } });
  }

  photosOf(hazardId: string): Promise<HazardPhoto[]> {
    return this.ds.getRepository(HazardPhoto).find({ where: { hazardId }, order: { eventId: 'ASC', position: 'ASC' } });
  }

  findPhotoWithData(hazardId: string, photoId: string): Promise<HazardPhoto | null> {
    return this.ds
      .getRepository(HazardPhoto)
      .createQueryBuilder('p')
      .addSelect('p.data')
      .where('p.id = :photoId AND p.hazard_id = :hazardId', { photoId, hazardId })
      .getOne();
  }

  insertMeasure(em: EntityManager, m: Partial<HazardMeasure>): Promise<HazardMeasure> {
    return em.getRepository(HazardMeasure).save(em.create(HazardMeasure, m));
  }

  measuresOf(enterpriseIds: string[]): Promise<HazardMeasure[]> {
    if (!enterpriseIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(HazardMeasure)
      .find({ where: { enterpriseId: In(enterpriseIds) }, order: { issuedAt: 'DESC' } });
  }
}
