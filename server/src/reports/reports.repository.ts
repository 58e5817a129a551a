import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { MACHINE_ROSTER, MachineRoster } from '../machines/machine-roster';
import { Report, ReportStatus } from './report.entity';
import { ReportEvent } from './report-event.entity';
import { ReportPhoto } from './report-photo.entity';
import { CheckedPhoto } from './photo-files';
import { ReportRefs } from './report.view';

/** all: platform admins; subtree: a regulator's region plus the reports nobody could place. */
export type ReportScope = { kind: 'all' } | { kind: 'subtree'; path: string };

@Injectable()
export class ReportsRepository {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
    @Inject(MACHINE_ROSTER) private readonly machines: MachineRoster,
  ) {}

  insertReport(em: EntityManager, r: Partial<Report>): Promise<Report> {
    return em.getRepository(Report).save(em.create(Report, r));
  }

  async insertPhotos(
    em: EntityManager,
    reportId: string,
    photos: (CheckedPhoto & { sha256: string })[],
  ): Promise<void> {
    if (!photos.length) return;
    await em.getRepository(ReportPhoto).insert(
      photos.map((p, i) => ({
        reportId,
        position: i + 1,
        contentType: p.contentType,
        sizeBytes: p.data.length,
        sha256: p.sha256,
        data: p.data,
      })),
    );
  }

  async appendEvent(em: EntityManager, e: Omit<ReportEvent, 'id'>): Promise<void> {
    await em.getRepository(ReportEvent).insert(e);
  }

  async updateStatus(em: EntityManager, r: Report): Promise<void> {
    await em
      .getRepository(Report)
      .update(
        { id: r.id },
        { status: r.status, rewardEligible: r.rewardEligible, updatedAt: r.updatedAt, closedAt: r.closedAt },
      );
  }

  findByTrackingCode(trackingCode: string): Promise<Report | null> {
    return this.ds.getRepository(Report).findOne({ where: { trackingCode } });
  }

  findById(id: string): Promise<Report | null> {
    return this.ds.getRepository(Report).findOne({ where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<Report | null> {
    return em
      .getRepository(Report)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.id = :id', { id })
      .getOne();
  }

  /** Newest first. */
  listScoped(
    scope: ReportScope,
    status: ReportStatus | undefined,
    offset: number,
    limit: number,
  ): Promise<[Report[], number]> {
    const qb = this.ds.getRepository(Report).createQueryBuilder('r');
    if (scope.kind === 'subtree')
      qb.andWhere('(r.region_path IS NULL OR starts_with(r.region_path, :scopePath))', { scopePath: scope.path });
    if (status) qb.andWhere('r.status = :status', { status });
    return qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }

  /** Machine, enterprise and photo count of each report, in three queries whatever the page size. */
  async refsFor(reports: Report[]): Promise<Map<string, ReportRefs>> {
    const machineIds = [...new Set(reports.map((r) => r.machineId).filter((id): id is string => !!id))];
    const enterpriseIds = [...new Set(reports.map((r) => r.enterpriseId).filter((id): id is string => !!id))];
    const [machines, enterprises, counts] = await Promise.all([
      machineIds.length ? this.machines.findMachines(machineIds) : [],
      this.enterpriseLookup.findByIds(enterpriseIds),
      reports.length
        ? this.ds.query<{ report_id: string; n: number }[]>(
            `SELECT report_id, count(*)::int AS n FROM report_photos WHERE report_id = ANY($1) GROUP BY report_id`,
            [reports.map((r) => r.id)],
          )
        : [],
    ]);
    const m = new Map(machines.map((x) => [x.id, { id: x.id, name: x.name, serialNumber: x.serialNumber }]));
    const e = new Map(enterprises.map((x) => [x.id, { id: x.id, name: x.name }]));
    const c = new Map(counts.map((x) => [x.report_id, x.n]));
    return new Map(
      reports.map((r) => [
        r.id,
        {
          machine: (r.machineId && m.get(r.machineId)) || null,
          enterprise: (r.enterpriseId && e.get(r.enterpriseId)) || null,
          photoCount: c.get(r.id) ?? 0,
        },
      ]),
    );
  }

  photosOf(reportId: string): Promise<ReportPhoto[]> {
    return this.ds.getRepository(ReportPhoto).find({ where: { reportId }, order: { position: 'ASC' } });
  }

  /** Who moved the report along (verifying, a finding, a rejection): they may not also sign it off. */
  async handlerIdsOf(em: EntityManager, reportId: string): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT DISTINCT actor_user_id AS id FROM report_events
        WHERE report_id = $1 AND actor_user_id IS NOT NULL AND to_status <> 'closed'`,
      [reportId],
    );
    return rows.map((r) => r.id);
  }

  eventsOf(reportId: string): Promise<ReportEvent[]> {
    return this.ds.getRepository(ReportEvent).find({ where: { reportId }, order: { id: 'ASC' } });
  }

  findPhotoWithData(reportId: string, photoId: string): Promise<ReportPhoto | null> {
    return this.ds
      .getRepository(ReportPhoto)
      .createQueryBuilder('p')
      .addSelect('p.data')
      .where('p.id = :photoId AND p.report_id = :reportId', { photoId, reportId })
      .getOne();
  }
}
