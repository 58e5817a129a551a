import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MachineLoan } from './machine-loan.entity';

/** Loans as other modules (permits) ask about them, without reading machine_loans themselves. `em`: the caller's transaction. */
export interface MachineLoanLookup {
  /** Of these machines, those on an unrevoked loan to the enterprise covering the whole of [from, to]. */
  findLentMachineIds(
    machineIds: string[],
    borrowerEnterpriseId: string,
    from: Date,
    to: Date,
    em?: EntityManager,
  ): Promise<string[]>;
  /** Machines on an unrevoked loan to the enterprise at some time in [from, to] (candidates; whole-window cover is findLentMachineIds). */
  findMachineIdsLentTo(borrowerEnterpriseId: string, from: Date, to: Date, em?: EntityManager): Promise<string[]>;
}

export const MACHINE_LOAN_LOOKUP = 'MACHINE_LOAN_LOOKUP';

@Injectable()
export class MachineLoanLookupRepository implements MachineLoanLookup {
  constructor(private readonly ds: DataSource) {}

  async findLentMachineIds(
    machineIds: string[],
    borrowerId: string,
    from: Date,
    to: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    if (!machineIds.length) return [];
    const rows = await em
      .createQueryBuilder(MachineLoan, 'l')
      .where('l.machine_id IN (:...machineIds) AND l.borrower_enterprise_id = :borrowerId', { machineIds, borrowerId })
      .andWhere('l.revoked_at IS NULL AND l.starts_at <= :from AND l.ends_at >= :to', { from, to })
      .getMany();
    return rows.map((l) => l.machineId);
  }

  async findMachineIdsLentTo(
    borrowerId: string,
    from: Date,
    to: Date,
    em: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    const rows = await em
      .createQueryBuilder(MachineLoan, 'l')
      .where('l.borrower_enterprise_id = :borrowerId AND l.revoked_at IS NULL', { borrowerId })
      .andWhere('l.starts_at < :to AND l.ends_at > :from', { from, to })
      .getMany();
    return [...new Set(rows.map((l) => l.machineId))];
  }
}
