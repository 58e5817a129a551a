import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Certificate, CertificateCategory } from './certificate.entity';
import { WelderEngagement } from './welder-engagement.entity';
import { Welder } from './welder.entity';

/** A welder's record as other modules may read it. */
export type RosterWelder = Pick<
  Welder,
  'id' | 'realName' | 'status' | 'employerId' | 'phoneEnc' | 'phoneMasked' | 'idNumberMasked'
>;

/**
 * Welders' records for other modules (permits: who may be named, who may watch), so that they never
 * read the welders' tables themselves. `em`: the caller's transaction, so that a check and the write
 * it guards see the same rows. Judging the certificates is CertificateRegistry's rule (certificate-verdict.ts).
 */
export interface WelderRoster {
  findWelders(ids: string[], em?: EntityManager): Promise<RosterWelder[]>;
  /** The welder whose ID number has this blind index (FieldCipher.blindIndex), locked when `em` is given. */
  findByIdNumberIndex(idNumberIndex: string, em?: EntityManager): Promise<RosterWelder | null>;
  /** Whether the welder holds any certificate record of the welding category (activation: "in the registry"). */
  hasWeldingCertificate(welderId: string, em?: EntityManager): Promise<boolean>;
  /** Ids of the welders the enterprise employs now (its staff list of accounts). */
  findEmployedWelderIds(enterpriseId: string): Promise<string[]>;
  /** The welder with the employing enterprise (code management, the public scan). */
  findWithEmployer(id: string): Promise<Welder | null>;
  /** Row-locked for the rest of the caller's transaction (concurrent code re-issues queue up). */
  lockWelder(em: EntityManager, id: string): Promise<Welder | null>;
  /** Of these welders, those engaged (劳务派遣, 外包) with the enterprise covering the China dates [fromDate, toDate]. */
  findEngagedWelderIds(
    welderIds: string[],
    enterpriseId: string,
    fromDate: string,
    toDate: string,
    em?: EntityManager,
  ): Promise<string[]>;
  /** Their certificates of the welding category (焊接与热切割作业), whatever their status. */
  findWeldingCertificates(welderIds: string[], em?: EntityManager): Promise<Certificate[]>;
  /** Welders a permit of the enterprise could name: employed by it, or engaged with it at some time in [fromDate, toDate]. */
  findCandidateWelderIds(enterpriseId: string, fromDate: string, toDate: string, em?: EntityManager): Promise<string[]>;
}

export const WELDER_ROSTER = 'WELDER_ROSTER';

@Injectable()
export class WelderRosterRepository implements WelderRoster {
  constructor(private readonly ds: DataSource) {}

  findWelders(ids: string[], em: EntityManager = this.ds.manager): Promise<RosterWelder[]> {
    return ids.length ? em.find(Welder, { where: { id: In(ids) } }) : Promise.resolve([]);
  }

  findByIdNumberIndex(idNumberIndex: string, em: EntityManager = this.ds.manager): Promise<RosterWelder | null> {
    return em.findOne(Welder, { where: { idNumberIndex } });
  }

  async hasWeldingCertificate(welderId: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    return em.exists(Certificate, {
      where: { welderId, category: CertificateCategory.WeldingAndThermalCutting },
    });
  }

  async findEmployedWelderIds(enterpriseId: string): Promise<string[]> {
    const rows = await this.ds.manager.find(Welder, { where: { employerId: enterpriseId }, select: { id: true } });
    return rows.map((w) => w.id);
  }

  findWithEmployer(id: string): Promise<Welder | null> {
    return this.ds.manager.findOne(Welder, { where: { id }, relations: { employer: true } });
  }

  lockWelder(em: EntityManager, id: string): Promise<Welder | null> {
    return em.createQueryBuilder(Welder, 'w').setLock('pessimistic_write').where('w.id = :id', { id }).getOne();
  }

  async findEngagedWelderIds(
    welderIds: string[],
    enterpriseId: string,
    fromDate: string,
    toDate: string,
    em: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    if (!welderIds.length) return [];
    const rows = await em
      .createQueryBuilder(WelderEngagement, 'g')
      .where('g.welder_id IN (:...welderIds) AND g.enterprise_id = :enterpriseId', { welderIds, enterpriseId })
      .andWhere('g.starts_on <= :fromDate AND (g.ends_on IS NULL OR g.ends_on >= :toDate)', { fromDate, toDate })
      .getMany();
    return rows.map((g) => g.welderId);
  }

  async findCandidateWelderIds(
    enterpriseId: string,
    fromDate: string,
    toDate: string,
    em: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT w.id FROM welders w WHERE w.employer_id = $1
       UNION SELECT g.welder_id FROM welder_engagements g
        WHERE g.enterprise_id = $1 AND g.starts_on <= $3::date AND (g.ends_on IS NULL OR g.ends_on >= $2::date)`,
      [enterpriseId, fromDate, toDate],
    );
    return rows.map((r) => r.id);
  }

  findWeldingCertificates(welderIds: string[], em: EntityManager = this.ds.manager): Promise<Certificate[]> {
    return welderIds.length
      ? em.find(Certificate, {
          where: { welderId: In(welderIds), category: CertificateCategory.WeldingAndThermalCutting },
        })
      : Promise.resolve([]);
  }
}
