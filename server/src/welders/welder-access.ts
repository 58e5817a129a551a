import { Injectable } from '@nestjs/common';
import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessPolicy, EnterpriseScopeRef } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { chinaDate } from '../common/time/china-date';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Role } from '../common/roles/role';
import { ACTIVE_ON, EngagementsRepository } from './engagements.repository';
import { Welder } from './welder.entity';
import { WeldersRepository } from './welders.repository';
import { WelderScopeLookup } from './welder-scope-lookup';

/** A welder with what access decisions need: the employer and the enterprises it is engaged to today. */
export interface WelderInScope {
  welder: Welder;
  employer: Enterprise;
  engagedWith: Enterprise[];
}

/**
 * Welder visibility on top of AccessPolicy. A welder is visible to whoever may read its employer,
 * and to whoever may read an enterprise it is engaged to today (劳务派遣 / 外包 / 承包); a welder
 * account sees only itself. Core-record writes stay with the employer (and platform admins).
 * canSee and scopeQuery must agree: one decides single records, the other lists.
 */
@Injectable()
export class WelderAccess implements WelderScopeLookup {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly welders: WeldersRepository,
    private readonly engagements: EngagementsRepository,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return chinaDate(this.clock.now());
  }

  canSee(actor: Actor, welderId: string, employer: EnterpriseScopeRef, engagedWith: EnterpriseScopeRef[]): boolean {
    if (actor.role === Role.Welder) return !!actor.welderId && actor.welderId === welderId;
    return (
      this.policy.canReadEnterprise(actor, employer) || engagedWith.some((e) => this.policy.canReadEnterprise(actor, e))
    );
  }

  /** Loads a welder the actor may see, or answers 404 (existence does not leak). Locks the row when `forUpdate`. */
  async findVisible(actor: Actor, welderId: string, em?: EntityManager, forUpdate = false): Promise<WelderInScope> {
    const welder =
      forUpdate && em
        ? await this.welders.findWithEmployerForUpdate(em, welderId)
        : await this.welders.findWithEmployer(welderId, em);
    if (!welder?.employer) throw DomainError.notFound('Welder');
    const engagedWith =
      (await this.engagements.findActiveEnterprisesByWelder([welder.id], this.today(), em)).get(welder.id) ?? [];
    if (!this.canSee(actor, welder.id, welder.employer, engagedWith)) throw DomainError.notFound('Welder');
    return { welder, employer: welder.employer, engagedWith };
  }

  canManage(actor: Actor, w: WelderInScope): boolean {
    return this.policy.canManageEnterprise(actor, w.employer);
  }

  /**
   * Who may enter or import a certificate for a welder they can see: the employer (never a host the
   * welder is only dispatched to), a regulator of the area, a platform admin. Verification is separate.
   */
  mayEnterCertificate(actor: Actor, employer: EnterpriseScopeRef): boolean {
    return actor.role === Role.Regulator || this.policy.canManageEnterprise(actor, employer);
  }

  /** Either party to an engagement may end it: the employer, or the enterprise the welder works for. */
  assertMayEndEngagement(actor: Actor, w: WelderInScope, host: EnterpriseScopeRef): void {
    if (!this.canManage(actor, w) && !this.policy.canManageEnterprise(actor, host)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only the employer or the host enterprise may end this engagement');
    }
  }

  /** Changes to the welder's own record: employer or platform admin; a host enterprise only sees. */
  assertManageable(actor: Actor, w: WelderInScope): void {
    if (!this.canManage(actor, w))
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only the employer may change this welder');
  }

  /** Regulatory acts on a visible welder: regulators (whose scope the welder is in) and platform admins. */
  assertRegulable(actor: Actor, w: WelderInScope): void {
    const ok =
      actor.role === 'system' ||
      actor.role === Role.PlatformAdmin ||
      (actor.role === Role.Regulator && this.canSee(actor, w.welder.id, w.employer, w.engagedWith));
    if (!ok) throw new DomainError(ErrorCode.FORBIDDEN, 'Only a regulator of this area may do this');
  }

  inRegionSql(pathExpr: string, w = 'w', e = 'e'): string {
    const active = ACTIVE_ON('sg', 'scopeToday');
    return `(${e}.region_path LIKE ${pathExpr} || '%' OR EXISTS (SELECT 1 FROM welder_engagements sg JOIN enterprises se ON se.id = sg.enterprise_id WHERE sg.welder_id = ${w}.id AND ${active} AND se.region_path LIKE ${pathExpr} || '%'))`;
  }

  engagementsTodaySql(): string {
    return `SELECT sg.welder_id, se.region_path FROM welder_engagements sg JOIN enterprises se ON se.id = sg.enterprise_id WHERE ${ACTIVE_ON('sg', 'scopeToday')}`;
  }

  /** Restricts a welder query (aliases: welder `w`, employer enterprise `e`) to what the actor may see. */
  scopeQuery<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    today: string,
    w = 'w',
    e = 'e',
  ): SelectQueryBuilder<T> {
    const active = ACTIVE_ON('sg', 'scopeToday');
    switch (actor.role) {
      case 'system':
      case Role.PlatformAdmin:
        return qb;
      case Role.Regulator:
        if (!actor.regionPath) return qb.andWhere('1 = 0');
        return qb.andWhere(
          // Uncorrelated IN: the engaged welders are looked up once (hashed), not per welder row (issue 19).
          `(${e}.region_path LIKE :scopePath OR ${w}.id IN (SELECT sg.welder_id FROM welder_engagements sg JOIN enterprises se ON se.id = sg.enterprise_id WHERE ${active} AND se.region_path LIKE :scopePath))`,
          { scopePath: `${actor.regionPath}%`, scopeToday: today },
        );
      case Role.EnterpriseAdmin:
      case Role.SafetyManager:
        if (!actor.enterpriseId) return qb.andWhere('1 = 0');
        return qb.andWhere(
          // One id set from the employer and engagement indexes: an OR with a per-row EXISTS scanned every welder of the province (issue 19).
          `${w}.id IN (SELECT sw.id FROM welders sw WHERE sw.employer_id = :scopeEnterpriseId UNION ALL SELECT sg.welder_id FROM welder_engagements sg WHERE sg.enterprise_id = :scopeEnterpriseId AND ${active})`,
          { scopeEnterpriseId: actor.enterpriseId, scopeToday: today },
        );
      case Role.Welder:
        return actor.welderId
          ? qb.andWhere(`${w}.id = :scopeWelderId`, { scopeWelderId: actor.welderId })
          : qb.andWhere('1 = 0');
      default:
        return qb.andWhere('1 = 0');
    }
  }
}
