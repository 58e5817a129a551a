import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Certificate, CertificateCategory, CertificateSubOperation } from './certificate.entity';
import { Welder, WelderStatus } from './welder.entity';

/** What ImportedCertificateRegistry needs from storage; a fake implements it in unit tests. */
export interface CertificateRecords {
  findWelderStatus(welderId: string): Promise<WelderStatus | null>;
  findWeldingCertificates(welderId: string, subOperation?: CertificateSubOperation): Promise<Certificate[]>;
}

@Injectable()
export class CertificatesRepository implements CertificateRecords {
  constructor(@InjectRepository(Certificate) private readonly repo: Repository<Certificate>) {}

  findById(id: string): Promise<Certificate | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<Certificate | null> {
    return em.findOne(Certificate, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The natural key of a certificate: holder, sub-operation and issue date. */
  findByNaturalKey(em: EntityManager, welderId: string, subOperation: CertificateSubOperation, issuedOn: string): Promise<Certificate | null> {
    return em.findOne(Certificate, { where: { welderId, subOperation, issuedOn } });
  }

  findOfWelder(welderId: string): Promise<Certificate[]> {
    return this.repo.find({ where: { welderId }, order: { issuedOn: 'DESC' } });
  }

  async findOfWelders(welderIds: string[]): Promise<Map<string, Certificate[]>> {
    const out = new Map<string, Certificate[]>();
    if (!welderIds.length) return out;
    for (const c of await this.repo.find({ where: { welderId: In(welderIds) } })) out.set(c.welderId, [...(out.get(c.welderId) ?? []), c]);
    return out;
  }

  async findWelderStatus(welderId: string): Promise<WelderStatus | null> {
    const w = await this.repo.manager.findOne(Welder, { where: { id: welderId }, select: { id: true, status: true } });
    return w?.status ?? null;
  }

  findWeldingCertificates(welderId: string, subOperation?: CertificateSubOperation): Promise<Certificate[]> {
    return this.repo.find({ where: { welderId, category: CertificateCategory.WeldingAndThermalCutting, ...(subOperation ? { subOperation } : {}) } });
  }

  save(em: EntityManager, c: Certificate): Promise<Certificate> {
    return em.save(Certificate, c);
  }

  insert(em: EntityManager, data: Partial<Certificate>): Promise<Certificate> {
    return em.save(Certificate, em.create(Certificate, data));
  }
}
