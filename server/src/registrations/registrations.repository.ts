import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ApplicationStatus, EnterpriseApplication } from './enterprise-application.entity';

@Injectable()
export class RegistrationsRepository {
  constructor(@InjectRepository(EnterpriseApplication) private readonly repo: Repository<EnterpriseApplication>) {}

  findById(id: string): Promise<EnterpriseApplication | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByTrackingCode(trackingCode: string): Promise<EnterpriseApplication | null> {
    return this.repo.findOne({ where: { trackingCode } });
  }

  /** Row-locked, with the admin's password hash (only the approval reads it). */
  findForDecision(em: EntityManager, id: string): Promise<EnterpriseApplication | null> {
    return em
      .createQueryBuilder(EnterpriseApplication, 'a')
      .addSelect('a.adminPasswordHash')
      .where('a.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  pendingWithUscc(em: EntityManager, uscc: string): Promise<boolean> {
    return em.exists(EnterpriseApplication, { where: { uscc, status: ApplicationStatus.Pending } });
  }

  pendingWithUsername(em: EntityManager, adminUsername: string): Promise<boolean> {
    return em.exists(EnterpriseApplication, { where: { adminUsername, status: ApplicationStatus.Pending } });
  }

  async findLicence(
    id: string,
  ): Promise<Pick<EnterpriseApplication, 'licenceData' | 'licenceContentType' | 'licenceSizeBytes'> | null> {
    return this.repo
      .createQueryBuilder('a')
      .select(['a.id', 'a.licenceContentType', 'a.licenceSizeBytes'])
      .addSelect('a.licenceData')
      .where('a.id = :id', { id })
      .getOne();
  }

  /** Oldest first (first come, first reviewed); `regionPath` null = everywhere. */
  findPage(opts: {
    regionPath: string | null;
    status: ApplicationStatus;
    offset: number;
    limit: number;
  }): Promise<[EnterpriseApplication[], number]> {
    const qb = this.repo.createQueryBuilder('a').where('a.status = :status', { status: opts.status });
    if (opts.regionPath) qb.andWhere('a.region_path LIKE :p', { p: `${opts.regionPath}%` });
    return qb.orderBy('a.submitted_at', 'ASC').skip(opts.offset).take(opts.limit).getManyAndCount();
  }
}
