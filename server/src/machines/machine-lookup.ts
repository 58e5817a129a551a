import type { EntityManager } from 'typeorm';
import type { Enterprise } from '../enterprises/enterprise.entity';
import type { Machine } from './machine.entity';

/** How other modules (devices: chip binding; code management, public scan, reports: what a code stands for) read a machine with its owner. MachinesModule owns the table. */
export interface MachineLookup {
  /** The machine with its owning enterprise (for access checks and the owner's name). */
  findWithEnterprise(id: string): Promise<Machine | null>;
  /** The same for many; missing ids are left out. */
  findManyWithEnterprise(ids: string[]): Promise<Machine[]>;
  /** Row-locked machine and its enterprise, for a change inside the caller's transaction. */
  findForUpdate(em: EntityManager, id: string): Promise<{ machine: Machine; enterprise: Enterprise } | null>;
  /** The machine that carries this chip, if any (chip binding: one chip, one machine). */
  findByChipId(em: EntityManager, chipId: string): Promise<Machine | null>;
  /** Records the chip a machine carries (null: none), inside the binding's transaction. */
  setChip(em: EntityManager, machineId: string, chipId: string | null): Promise<void>;
}

export const MACHINE_LOOKUP = 'MACHINE_LOOKUP';
