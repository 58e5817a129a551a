import { Role } from '../common/roles/role';

/** Who is acting: the authenticated user, or the system itself (seeding, devices, schedulers). */
export interface Actor {
  userId: string | null;
  username: string;
  role: Role | 'system';
  /** Regulators: region code and its path ("/411426/411426100/"). */
  regionCode?: string | null;
  regionPath?: string | null;
  enterpriseId?: string | null;
  welderId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', role: 'system' };
