import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Enterprise } from '../enterprises/enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { ENTERPRISE_STAFF, EnterpriseStaff, StaffMember } from '../users/staff-roster';
import { ApproverPosition } from './approval-chain';
import { EnterprisePermitSettings } from './permit-settings.entity';
import { UserPosition } from './user-position.entity';

@Injectable()
export class PermitSettingsRepository {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
    @Inject(ENTERPRISE_STAFF) private readonly staff: EnterpriseStaff,
  ) {}

  findEnterprise(id: string, em: EntityManager = this.ds.manager): Promise<Enterprise | null> {
    return this.enterpriseLookup.findById(id, em);
  }

  findSettings(enterpriseId: string, em: EntityManager = this.ds.manager): Promise<EnterprisePermitSettings | null> {
    return em.findOne(EnterprisePermitSettings, { where: { enterpriseId } });
  }

  async saveSettings(
    em: EntityManager,
    s: Omit<EnterprisePermitSettings, 'updatedAt'>,
  ): Promise<EnterprisePermitSettings> {
    return em.save(EnterprisePermitSettings, em.create(EnterprisePermitSettings, s));
  }

  async positionsOfUser(
    userId: string,
    enterpriseId: string,
    em: EntityManager = this.ds.manager,
  ): Promise<ApproverPosition[]> {
    return (await em.find(UserPosition, { where: { userId, enterpriseId } })).map((p) => p.position);
  }

  findEnterpriseUsers(enterpriseId: string, offset: number, limit: number): Promise<[StaffMember[], number]> {
    return this.staff.findStaff(enterpriseId, offset, limit);
  }

  findEnterpriseUser(enterpriseId: string, userId: string, em?: EntityManager): Promise<StaffMember | null> {
    return this.staff.findStaffMember(enterpriseId, userId, em);
  }

  positionsOfUsers(userIds: string[]): Promise<UserPosition[]> {
    return userIds.length
      ? this.ds.manager.find(UserPosition, { where: { userId: In(userIds) } })
      : Promise.resolve([]);
  }

  /** Who holds which position in the enterprise, with display names (the form shows the approvers). */
  async positionHolders(
    enterpriseId: string,
    em: EntityManager = this.ds.manager,
  ): Promise<{ userId: string; displayName: string; position: ApproverPosition }[]> {
    const held = await em.find(UserPosition, { where: { enterpriseId } });
    const names = await this.staff.findStaffNames(enterpriseId, [...new Set(held.map((p) => p.userId))], em);
    return held
      .filter((p) => names.has(p.userId))
      .map((p) => ({ userId: p.userId, displayName: names.get(p.userId) ?? '', position: p.position }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
  }

  /** Users of the enterprise holding a position, locked so that two concurrent assignments cannot both pass. */
  async holdersOfPosition(em: EntityManager, enterpriseId: string, position: ApproverPosition): Promise<string[]> {
    return (
      await em.find(UserPosition, { where: { enterpriseId, position }, lock: { mode: 'pessimistic_write' } })
    ).map((p) => p.userId);
  }

  async replacePositions(
    em: EntityManager,
    userId: string,
    enterpriseId: string,
    positions: ApproverPosition[],
    at: Date,
  ): Promise<void> {
    await em.delete(UserPosition, { userId });
    if (positions.length)
      await em.insert(
        UserPosition,
        positions.map((position) => ({ userId, enterpriseId, position, assignedAt: at })),
      );
  }
}
