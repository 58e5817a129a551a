import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Role } from '../common/roles/role';
import { Permit } from './permit.entity';
import { PermitsRepository } from './permits.repository';

export interface LoadedPermit {
  permit: Permit;
  enterprise: Enterprise;
}

/**
 * Who may see and change a permit: the enterprise scope of AccessPolicy, plus welders for the
 * permits naming them. Out of scope answers 404 so that existence does not leak.
 */
@Injectable()
export class PermitAccess {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly access: AccessPolicy,
  ) {}

  async loadReadable(actor: Actor, id: string, em?: EntityManager, lock = false): Promise<LoadedPermit> {
    const permit = lock && em ? await this.permits.findByIdForUpdate(em, id) : await this.permits.findById(id, em);
    const enterprise = permit ? await this.permits.findEnterpriseOf(permit, em) : null;
    if (!permit || !enterprise) throw DomainError.notFound('Permit');
    const visible =
      actor.role === Role.Welder
        ? !!actor.welderId && (await this.permits.isWelderNamed(permit.id, actor.welderId))
        : this.access.canReadEnterprise(actor, enterprise);
    if (!visible) throw DomainError.notFound('Permit');
    return { permit, enterprise };
  }

  /** Writes: the enterprise's own users (or a platform admin); the row is locked for the transaction. */
  async loadManageable(actor: Actor, id: string, em: EntityManager): Promise<LoadedPermit> {
    const loaded = await this.loadReadable(actor, id, em, true);
    if (!this.access.canManageEnterprise(actor, loaded.enterprise))
      throw new DomainError(ErrorCode.FORBIDDEN, 'You may not change this permit');
    return loaded;
  }
}
