import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { MACHINE_ROSTER, MachineRoster, RosterMachine } from '../machines/machine-roster';
import { MachineLoan } from './machine-loan.entity';

@Injectable()
export class MachineLoansRepository {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
    @Inject(MACHINE_ROSTER) private readonly machines: MachineRoster,
  ) {}

  async findMachine(em: EntityManager, id: string): Promise<RosterMachine | null> {
    return (await this.machines.findMachines([id], em))[0] ?? null;
  }

  findEnterprise(em: EntityManager, id: string): Promise<Enterprise | null> {
    return this.enterpriseLookup.findById(id, em);
  }

  findLoanForUpdate(em: EntityManager, id: string): Promise<MachineLoan | null> {
    return em.findOne(MachineLoan, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Serialises the loans of one machine until the transaction ends: two loans created at once would each find
   * no overlap and both be stored (READ COMMITTED: the second check, made after the first commits, sees it).
   */
  async lockLoansOf(em: EntityManager, machineId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`machine_loans:${machineId}`]);
  }

  /** Another unrevoked loan of the machine overlapping [from, to): a machine is lent to one borrower at a time. */
  findOverlappingLoan(em: EntityManager, machineId: string, from: Date, to: Date): Promise<MachineLoan | null> {
    return em
      .createQueryBuilder(MachineLoan, 'l')
      .where('l.machine_id = :machineId AND l.revoked_at IS NULL AND l.starts_at < :to AND l.ends_at > :from', {
        machineId,
        from,
        to,
      })
      .getOne();
  }

  /** Loans where the actor can read the lender or the borrower. */
  listVisible(actor: Actor, offset: number, limit: number): Promise<[MachineLoan[], number]> {
    const qb = this.ds.manager.createQueryBuilder(MachineLoan, 'l');
    const lenders = this.enterpriseLookup.visibleIdsQuery(actor, 'le');
    const borrowers = this.enterpriseLookup.visibleIdsQuery(actor, 'be');
    qb.where(
      `(l.lender_enterprise_id IN (${lenders.getQuery()}) OR l.borrower_enterprise_id IN (${borrowers.getQuery()}))`,
    ).setParameters({ ...lenders.getParameters(), ...borrowers.getParameters() });
    return qb.orderBy('l.starts_at', 'DESC').addOrderBy('l.id', 'ASC').skip(offset).take(limit).getManyAndCount();
  }
}
