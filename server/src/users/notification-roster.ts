import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Role } from '../common/roles/role';
import { User, UserStatus } from './user.entity';

/** An active account notifications may address: id and display name only. */
export type AudienceMember = Pick<User, 'id' | 'displayName' | 'role'>;

/**
 * Who notifications tell (notifications/): active accounts by enterprise and role, by regulated region,
 * and the platform admins, so that the notifications module never reads the users table itself.
 */
export interface NotificationAudience {
  enterpriseStaff(enterpriseId: string, roles: Role[]): Promise<AudienceMember[]>;
  /** Regulators whose own region is exactly this code (a township's station, the county's bureau). */
  regulatorsOf(regionCode: string): Promise<AudienceMember[]>;
  platformAdmins(): Promise<AudienceMember[]>;
}

export const NOTIFICATION_AUDIENCE = 'NOTIFICATION_AUDIENCE';

const PICK = { id: true, displayName: true, role: true } as const;

@Injectable()
export class NotificationAudienceTable implements NotificationAudience {
  constructor(private readonly ds: DataSource) {}

  enterpriseStaff(enterpriseId: string, roles: Role[]): Promise<AudienceMember[]> {
    return this.ds.manager.find(User, {
      where: { enterpriseId, role: In(roles), status: UserStatus.Active },
      select: PICK,
      order: { username: 'ASC' },
    });
  }

  regulatorsOf(regionCode: string): Promise<AudienceMember[]> {
    return this.ds.manager.find(User, {
      where: { regionCode, role: Role.Regulator, status: UserStatus.Active },
      select: PICK,
      order: { username: 'ASC' },
    });
  }

  platformAdmins(): Promise<AudienceMember[]> {
    return this.ds.manager.find(User, {
      where: { role: Role.PlatformAdmin, status: UserStatus.Active },
      select: PICK,
      order: { username: 'ASC' },
    });
  }
}
