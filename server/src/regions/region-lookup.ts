import type { Region } from './region.entity';

/** How other modules resolve a region code (enterprises, users, blackouts, permit policy). RegionsModule owns the table. */
export interface RegionLookup {
  findByCode(code: string): Promise<Region | null>;
  /** County and townships in path order: what a person picks from (villages are too many for a phone list). */
  findPickable(): Promise<Region[]>;
  /** The region at `path` and everything below it, parents first (account scoping). */
  findSubtree(path: string): Promise<Region[]>;
}

export const REGION_LOOKUP = 'REGION_LOOKUP';
