import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { MachineLoan } from '../machine-loans/machine-loan.entity';
import { Machine } from '../machines/machine.entity';
import { Certificate, CertificateCategory } from '../welders/certificate.entity';
import { WelderEngagement } from '../welders/welder-engagement.entity';
import { Welder } from '../welders/welder.entity';

/** The registry facts a permit's welders and machines are checked against. */
@Injectable()
export class PermitEligibilityRepository {
  findWelders(em: EntityManager, ids: string[]): Promise<Welder[]> {
    return ids.length ? em.find(Welder, { where: { id: In(ids) } }) : Promise.resolve([]);
  }

  findMachines(em: EntityManager, ids: string[]): Promise<Machine[]> {
    return ids.length ? em.find(Machine, { where: { id: In(ids) } }) : Promise.resolve([]);
  }

  /** Certificates of the welding category (焊接与热切割作业), whatever their status. */
  findWeldingCertificates(em: EntityManager, welderIds: string[]): Promise<Certificate[]> {
    return welderIds.length ? em.find(Certificate, { where: { welderId: In(welderIds), category: CertificateCategory.WeldingAndThermalCutting } }) : Promise.resolve([]);
  }

  /** Engagements (劳务派遣, 外包) of these welders with the enterprise covering the China dates [fromDate, toDate]. */
  async findEngagementsCovering(em: EntityManager, welderIds: string[], enterpriseId: string, fromDate: string, toDate: string): Promise<WelderEngagement[]> {
    if (!welderIds.length) return [];
    return em.createQueryBuilder(WelderEngagement, 'g')
      .where('g.welder_id IN (:...welderIds) AND g.enterprise_id = :enterpriseId', { welderIds, enterpriseId })
      .andWhere('g.starts_on <= :fromDate AND (g.ends_on IS NULL OR g.ends_on >= :toDate)', { fromDate, toDate })
      .getMany();
  }

  /** Unrevoked loans of these machines to the enterprise covering the whole of [from, to]. */
  async findLoansCovering(em: EntityManager, machineIds: string[], borrowerId: string, from: Date, to: Date): Promise<MachineLoan[]> {
    if (!machineIds.length) return [];
    return em.createQueryBuilder(MachineLoan, 'l')
      .where('l.machine_id IN (:...machineIds) AND l.borrower_enterprise_id = :borrowerId', { machineIds, borrowerId })
      .andWhere('l.revoked_at IS NULL AND l.starts_at <= :from AND l.ends_at >= :to', { from, to })
      .getMany();
  }
}
