import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Machine } from './machine.entity';

/** A machine's record as other modules may read it. */
export type RosterMachine = Pick<Machine, 'id' | 'name' | 'serialNumber' | 'status' | 'enterpriseId'>;

/**
 * Machines' records for other modules (permits: which machines may be named), so that they never
 * read the machines table themselves. `em`: the caller's transaction. Usability: machine-usability.ts.
 */
export interface MachineRoster {
  findMachines(ids: string[], em?: EntityManager): Promise<RosterMachine[]>;
  /** The enterprise's own machines, whatever their status (lent-in ones: MachineLoanLookup). */
  findOwnMachineIds(enterpriseId: string, em?: EntityManager): Promise<string[]>;
}

export const MACHINE_ROSTER = 'MACHINE_ROSTER';

@Injectable()
export class MachineRosterRepository implements MachineRoster {
  constructor(private readonly ds: DataSource) {}

  findMachines(ids: string[], em: EntityManager = this.ds.manager): Promise<RosterMachine[]> {
    return ids.length ? em.find(Machine, { where: { id: In(ids) } }) : Promise.resolve([]);
  }

  async findOwnMachineIds(enterpriseId: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    return (await em.find(Machine, { where: { enterpriseId }, select: { id: true } })).map((m) => m.id);
  }
}
