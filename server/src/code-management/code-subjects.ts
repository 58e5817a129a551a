import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Machine } from '../machines/machine.entity';
import { Certificate, CertificateCategory } from '../welders/certificate.entity';
import { Welder } from '../welders/welder.entity';
import { CodeStatus, CodeSubjectType, IdentityCode } from '../codes/identity-code.entity';

/** Port: what a code stands for (the machine or welder, its owner, certificates) and whether it was replaced. Used by code management and the public scan. */
@Injectable()
export class CodeSubjects {
  constructor(
    @InjectRepository(Machine) private readonly machines: Repository<Machine>,
    @InjectRepository(Welder) private readonly welders: Repository<Welder>,
    @InjectRepository(Certificate) private readonly certificates: Repository<Certificate>,
    @InjectRepository(IdentityCode) private readonly codes: Repository<IdentityCode>,
  ) {}

  /** Whether the subject got a code after this one (the old code was replaced, not withdrawn). */
  async hasCodeIssuedAfter(code: IdentityCode): Promise<boolean> {
    return (
      (await this.codes
        .createQueryBuilder('c')
        .where('c.subject_type = :t AND c.subject_id = :s AND c.issued_at > :at AND c.id <> :id', {
          t: code.subjectType,
          s: code.subjectId,
          at: code.issuedAt,
          id: code.id,
        })
        .getCount()) > 0
    );
  }

  findMachineWithEnterprise(id: string): Promise<Machine | null> {
    return this.machines.findOne({ where: { id }, relations: { enterprise: true } });
  }

  findMachinesWithEnterprise(ids: string[]): Promise<Machine[]> {
    return this.machines.find({ where: { id: In(ids) }, relations: { enterprise: true } });
  }

  findWelderWithEmployer(id: string): Promise<Welder | null> {
    return this.welders.findOne({ where: { id }, relations: { employer: true } });
  }

  findWeldingCertificates(welderId: string): Promise<Certificate[]> {
    return this.certificates.find({ where: { welderId, category: CertificateCategory.WeldingAndThermalCutting } });
  }

  findActiveCodesForSubjects(subjectType: CodeSubjectType, subjectIds: string[]): Promise<IdentityCode[]> {
    return this.codes.find({ where: { subjectType, subjectId: In(subjectIds), status: CodeStatus.Active } });
  }

  /** Locks the subject row for the rest of the transaction, so that concurrent re-issues queue up. */
  async lockMachine(em: EntityManager, id: string): Promise<Machine | null> {
    return em.createQueryBuilder(Machine, 'm').setLock('pessimistic_write').where('m.id = :id', { id }).getOne();
  }

  async lockWelder(em: EntityManager, id: string): Promise<Welder | null> {
    return em.createQueryBuilder(Welder, 'w').setLock('pessimistic_write').where('w.id = :id', { id }).getOne();
  }
}
