import { Injectable } from '@nestjs/common';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Role } from '../common/roles/role';

/** The part of an alert that decides who may see it. */
export interface AlertScopeRef {
  enterpriseId: string | null;
  regionPath: string | null;
}

/**
 * Who sees which alert: the enterprise's own users and every regulator whose subtree holds it
 * (AccessPolicy), plus: alerts with no region (unregistered devices) go to every regulator, since
 * finding unregistered machines is a census concern of the whole county. Welders see none.
 */
@Injectable()
export class AlertScope {
  constructor(private readonly access: AccessPolicy) {}

  canSee(actor: Actor, a: AlertScopeRef): boolean {
    if (actor.role === Role.Welder) return false;
    if (a.enterpriseId && a.regionPath)
      return this.access.canReadEnterprise(actor, { id: a.enterpriseId, regionPath: a.regionPath });
    return actor.role === 'system' || actor.role === Role.PlatformAdmin || actor.role === Role.Regulator;
  }

  /** Acknowledging: whoever sees it, the enterprise's own users included. */
  canAcknowledge(actor: Actor, a: AlertScopeRef): boolean {
    return this.canSee(actor, a);
  }

  /** Closing is a regulatory decision: regulators of the subtree and admins. */
  canClose(actor: Actor, a: AlertScopeRef): boolean {
    return (
      this.canSee(actor, a) &&
      (actor.role === 'system' || actor.role === Role.PlatformAdmin || actor.role === Role.Regulator)
    );
  }

  assertVisible(actor: Actor, a: AlertScopeRef): void {
    if (!this.canSee(actor, a)) throw DomainError.notFound('Alert');
  }

  assertClosable(actor: Actor, a: AlertScopeRef): void {
    this.assertVisible(actor, a);
    if (!this.canClose(actor, a))
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        'Only regulators of the region and platform admins may close an alert',
      );
  }

  /** The same rule as canSee, as a WHERE clause on the alerts alias. */
  apply<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, actor: Actor, alias: string): SelectQueryBuilder<T> {
    switch (actor.role) {
      case 'system':
      case Role.PlatformAdmin:
        return qb;
      case Role.Regulator:
        // No region, no rows (a NUL stand-in for the missing path made PostgreSQL fail).
        if (!actor.regionPath) return qb.andWhere('1 = 0');
        return qb.andWhere(`(${alias}.region_path LIKE :alertScopePath OR ${alias}.region_path IS NULL)`, {
          alertScopePath: `${actor.regionPath}%`,
        });
      case Role.EnterpriseAdmin:
      case Role.SafetyManager:
        return qb.andWhere(`${alias}.enterprise_id = :alertScopeEnterprise`, {
          alertScopeEnterprise: actor.enterpriseId ?? '00000000-0000-0000-0000-000000000000',
        });
      default:
        return qb.andWhere('1 = 0');
    }
  }
}
