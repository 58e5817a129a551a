import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Role } from '../common/roles/role';
import { User } from './user.entity';

/** An enterprise's staff account as other modules may read it. */
export type StaffMember = Pick<User, 'id' | 'username' | 'displayName' | 'role' | 'enterpriseId'>;

/**
 * An enterprise's staff accounts (its admins and safety managers) for other modules (permits: who
 * holds which approver position), so that they never read the users table themselves.
 */
export interface EnterpriseStaff {
  /** By username. */
  findStaff(enterpriseId: string, offset: number, limit: number): Promise<[StaffMember[], number]>;
  findStaffMember(enterpriseId: string, userId: string, em?: EntityManager): Promise<StaffMember | null>;
  /** Display names of these users of the enterprise (any role); others are left out. */
  findStaffNames(enterpriseId: string, userIds: string[], em?: EntityManager): Promise<Map<string, string>>;
}

export const ENTERPRISE_STAFF = 'ENTERPRISE_STAFF';

const STAFF_ROLES = [Role.EnterpriseAdmin, Role.SafetyManager];

@Injectable()
export class EnterpriseStaffRepository implements EnterpriseStaff {
  constructor(private readonly ds: DataSource) {}

  findStaff(enterpriseId: string, offset: number, limit: number): Promise<[StaffMember[], number]> {
    return this.ds.manager.findAndCount(User, {
      where: { enterpriseId, role: In(STAFF_ROLES) },
      order: { username: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  findStaffMember(
    enterpriseId: string,
    userId: string,
    em: EntityManager = this.ds.manager,
  ): Promise<StaffMember | null> {
    return em.findOne(User, { where: { id: userId, enterpriseId, role: In(STAFF_ROLES) } });
  }

  async findStaffNames(
    enterpriseId: string,
    userIds: string[],
    em: EntityManager = this.ds.manager,
  ): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const users = await em.find(User, {
      where: { id: In(userIds), enterpriseId },
      select: { id: true, displayName: true },
    });
    return new Map(users.map((u) => [u.id, u.displayName]));
  }
}
