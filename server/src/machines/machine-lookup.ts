import type { EntityManager } from 'typeorm';
import type { Enterprise } from '../enterprises/enterprise.entity';
import type { Machine } from './machine.entity';

/** How other modules (devices: chip binding) read a machine with its owner. MachinesModule owns the table. */
export interface MachineLookup {
  /** The machine with its owning enterprise (for access checks and the owner's name). */
  findWithEnterprise(id: string): Promise<Machine | null>;
  /** Row-locked machine and its enterprise, for a change inside the caller's transaction. */
  findForUpdate(em: EntityManager, id: string): Promise<{ machine: Machine; enterprise: Enterprise } | null>;
}

export const MACHINE_LOOKUP = 'MACHINE_LOOKUP';
