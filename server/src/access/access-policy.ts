import { Injectable } from '@nestjs/common';
import { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Role } from '../common/roles/role';
import { Actor } from './actor';

/** The subset of an enterprise that access decisions need. */
export interface EnterpriseScopeRef {
  id: string;
  regionPath: string;
}

const ENTERPRISE_ROLES: ReadonlyArray<Actor['role']> = [Role.EnterpriseAdmin, Role.SafetyManager];

/**
 * Who sees what, decided in one place: platform admins everything; regulators the enterprises
 * whose region lies in their subtree; enterprise users their own enterprise; welders themselves.
 * Records outside an actor's scope are reported as not found, so that existence does not leak.
 */
@Injectable()
export class AccessPolicy {
  isEnterpriseUser(actor: Actor): boolean {
    return ENTERPRISE_ROLES.includes(actor.role);
  }

  canReadEnterprise(actor: Actor, e: EnterpriseScopeRef): boolean {
    switch (actor.role) {
      case 'system':
      case Role.PlatformAdmin:
        return true;
      case Role.Regulator:
        return !!actor.regionPath && e.regionPath.startsWith(actor.regionPath);
      case Role.EnterpriseAdmin:
      case Role.SafetyManager:
        return actor.enterpriseId === e.id;
      default:
        return false;
    }
  }

  /** Registry writes (machines, welders, certificates): the owning enterprise or a platform admin. */
  canManageEnterprise(actor: Actor, e: EnterpriseScopeRef): boolean {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return true;
    return this.isEnterpriseUser(actor) && actor.enterpriseId === e.id;
  }

  /** Regulatory actions (suspending an enterprise or a machine): regulators of the subtree and admins. */
  canRegulateEnterprise(actor: Actor, e: EnterpriseScopeRef): boolean {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return true;
    return actor.role === Role.Regulator && this.canReadEnterprise(actor, e);
  }

  assertReadable(actor: Actor, e: EnterpriseScopeRef, what: string): void {
    if (!this.canReadEnterprise(actor, e)) throw DomainError.notFound(what);
  }

  assertManageable(actor: Actor, e: EnterpriseScopeRef, what: string): void {
    if (!this.canReadEnterprise(actor, e)) throw DomainError.notFound(what);
    if (!this.canManageEnterprise(actor, e))
      throw new DomainError(ErrorCode.FORBIDDEN, `You may not change this ${what.toLowerCase()}`);
  }

  assertRegulable(actor: Actor, e: EnterpriseScopeRef, what: string): void {
    if (!this.canReadEnterprise(actor, e)) throw DomainError.notFound(what);
    if (!this.canRegulateEnterprise(actor, e))
      throw new DomainError(ErrorCode.FORBIDDEN, `You may not change the status of this ${what.toLowerCase()}`);
  }

  /**
   * Restricts a query to enterprises the actor may read. `enterpriseAlias` names the joined
   * enterprises table. Welders get no enterprise-wide rows (their own records are queried by id).
   */
  scopeToEnterprises<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    enterpriseAlias: string,
  ): SelectQueryBuilder<T> {
    return this.scopeBy(qb, actor, `${enterpriseAlias}.region_path`, `${enterpriseAlias}.id`);
  }

  /**
   * The same scope on a table that carries its own `region_path` and `enterprise_id` (written with
   * the row, e.g. decisions, grants): no join to enterprises, so the row's own index serves the
   * scope and the newest-first order together (issue 19). Welders are not handled here.
   */
  scopeByOwnColumns<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    alias: string,
  ): SelectQueryBuilder<T> {
    return this.scopeBy(qb, actor, `${alias}.region_path`, `${alias}.enterprise_id`);
  }

  /** The one enterprise scope rule, over whichever columns hold the region path and the enterprise id. */
  private scopeBy<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    regionColumn: string,
    enterpriseColumn: string,
  ): SelectQueryBuilder<T> {
    switch (actor.role) {
      case 'system':
      case Role.PlatformAdmin:
        return qb;
      case Role.Regulator:
        // A regulator without a region sees nothing; the old NUL stand-in for a missing path made PostgreSQL fail (500).
        if (!actor.regionPath) return qb.andWhere('1 = 0');
        return qb.andWhere(`${regionColumn} LIKE :scopePath`, { scopePath: `${actor.regionPath}%` });
      case Role.EnterpriseAdmin:
      case Role.SafetyManager:
        return qb.andWhere(`${enterpriseColumn} = :scopeEnterpriseId`, { scopeEnterpriseId: actor.enterpriseId });
      default:
        return qb.andWhere('1 = 0');
    }
  }
}
