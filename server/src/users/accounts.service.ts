import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { SMS_SENDER, SmsSender } from '../sms/sms-sender';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { AccountView, ChangeRoleDto, ListUsersQueryDto, PasswordResetView } from './dto/manage-user.dto';
import { generateOneTimePassword } from './one-time-password';
import { User, UserStatus } from './user.entity';
import { UsersRepository } from './users.repository';

/** Where an account sits, for the audit entry and for the scope check. */
interface AccountScope {
  enterpriseId: string | null;
  regionPath: string | null;
}

export function toAccountView(u: User): AccountView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    regionCode: u.regionCode,
    enterpriseId: u.enterpriseId,
    welderId: u.welderId,
    status: u.status,
    lastLoginAt: u.lastLoginAt,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
  };
}

/**
 * Account management (issue 16 §1): platform admins manage every account; regulators the regulator
 * accounts of their region subtree; enterprise admins their enterprise's staff and the welders it employs.
 * Nobody acts on their own account here (no self-disable, no own role change, no own reset) and nobody
 * gives a role beyond what they could create. Out-of-scope accounts answer 404, as if they did not exist.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(WELDER_ROSTER) private readonly welders: WelderRoster,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    private readonly hasher: PasswordHasher,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async list(actor: Actor, q: ListUsersQueryDto): Promise<Paginated<AccountView>> {
    let scope: Parameters<UsersRepository['findPage']>[0]['scope'];
    if (actor.role === Role.PlatformAdmin) scope = null;
    else if (actor.role === Role.Regulator && actor.regionPath) {
      const codes = (await this.regions.findSubtree(actor.regionPath)).map((r) => r.code);
      scope = { regionCodes: codes, roles: [Role.Regulator] };
    } else if (actor.role === Role.EnterpriseAdmin && actor.enterpriseId) {
      scope = {
        enterpriseId: actor.enterpriseId,
        welderIds: await this.welders.findEmployedWelderIds(actor.enterpriseId),
      };
    } else throw new DomainError(ErrorCode.FORBIDDEN, 'You may not manage accounts');
    const [rows, total] = await this.users.findPage({
      scope,
      q: q.q,
      role: q.role,
      status: q.status,
      offset: offsetOf(q),
      limit: q.pageSize,
    });
    return paginate(rows.map(toAccountView), total, q);
  }

  disable(actor: Actor, id: string): Promise<AccountView> {
    return this.setStatus(actor, id, UserStatus.Disabled);
  }

  enable(actor: Actor, id: string): Promise<AccountView> {
    return this.setStatus(actor, id, UserStatus.Active);
  }

  private setStatus(actor: Actor, id: string, status: UserStatus): Promise<AccountView> {
    return this.ds.transaction(async (em) => {
      const { user, scope } = await this.manageable(em, actor, id);
      if (user.status === status)
        throw new DomainError(ErrorCode.INVALID_STATE, `The account is already ${status}`, [
          { field: 'status', code: 'unchanged', message: `already ${status}` },
        ]);
      const before = toAccountView(user);
      user.status = status;
      const saved = await em.save(User, user);
      await this.audit.record(em, actor, {
        action: status === UserStatus.Disabled ? 'user.disable' : 'user.enable',
        entityType: 'user',
        entityId: user.id,
        ...scope,
        before: { status: before.status },
        after: { status: saved.status },
      });
      return toAccountView(saved);
    });
  }

  /**
   * A one-time password replaces the current one and the owner must choose their own at the next log-in.
   * Staff accounts: shown once to the admin, who hands it over. Welder accounts: sent by SMS to the
   * registry's phone, never shown (nobody else learns a welder's password).
   */
  async resetPassword(actor: Actor, id: string): Promise<PasswordResetView> {
    const oneTimePassword = generateOneTimePassword();
    const passwordHash = await this.hasher.hash(oneTimePassword);
    const { view, phone } = await this.ds.transaction(async (em) => {
      const { user, scope } = await this.manageable(em, actor, id);
      let phone: string | null = null;
      if (user.role === Role.Welder) {
        const [welder] = await this.welders.findWelders([user.welderId!], em);
        if (!welder?.phoneEnc)
          throw new DomainError(ErrorCode.INVALID_STATE, 'The welder has no phone in the registry', [
            { field: 'phone', code: 'welderHasNoPhone', message: 'no phone in the registry' },
          ]);
        phone = this.cipher.decrypt(welder.phoneEnc);
      }
      user.passwordHash = passwordHash;
      user.mustChangePassword = true;
      user.passwordChangedAt = this.clock.now();
      await em.save(User, user);
      const view: PasswordResetView = phone
        ? { delivery: 'sms', phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}` }
        : { delivery: 'shown', oneTimePassword };
      await this.audit.record(em, actor, {
        action: 'user.reset_password',
        entityType: 'user',
        entityId: user.id,
        ...scope,
        after: { delivery: view.delivery, mustChangePassword: true },
      });
      return { view, phone };
    });
    if (phone) {
      await this.sms.send({
        phone,
        purpose: 'notice',
        text: `【ArcGate】您的焊工账号密码已重置，临时密码 ${oneTimePassword}，登录后请立即修改。`,
      });
    }
    return view;
  }

  /** Between an enterprise's admin and safety manager only (the one scope with two roles); never one's own. */
  changeRole(actor: Actor, id: string, dto: ChangeRoleDto): Promise<AccountView> {
    return this.ds.transaction(async (em) => {
      const { user, scope } = await this.manageable(em, actor, id);
      if (user.role !== Role.EnterpriseAdmin && user.role !== Role.SafetyManager)
        throw new DomainError(ErrorCode.FORBIDDEN, 'Only enterprise staff roles can be changed', [
          { field: 'role', code: 'roleNotChangeable', message: 'this account’s role cannot be changed' },
        ]);
      if (user.role === dto.role)
        throw new DomainError(ErrorCode.INVALID_STATE, `The account is already ${dto.role}`, [
          { field: 'role', code: 'unchanged', message: 'already this role' },
        ]);
      const before = user.role;
      user.role = dto.role;
      const saved = await em.save(User, user);
      await this.audit.record(em, actor, {
        action: 'user.role_change',
        entityType: 'user',
        entityId: user.id,
        ...scope,
        before: { role: before },
        after: { role: saved.role },
      });
      return toAccountView(saved);
    });
  }

  /** Whether the actor manages this account (its log-in history is theirs to read); 404 outside scope. */
  async assertManages(actor: Actor, id: string): Promise<void> {
    const user = await this.users.findById(id);
    if (!user || !this.mayManage(actor, user, await this.scopeOf(this.ds.manager, user)))
      throw DomainError.notFound('User');
  }

  /** The account, row-locked, if the actor may manage it; 404 outside scope, 403 on one's own account. */
  private async manageable(em: EntityManager, actor: Actor, id: string): Promise<{ user: User; scope: AccountScope }> {
    const user = await this.users.findByIdForUpdate(em, id);
    if (!user) throw DomainError.notFound('User');
    const scope = await this.scopeOf(em, user);
    if (!this.mayManage(actor, user, scope)) throw DomainError.notFound('User');
    if (user.id === actor.userId)
      throw new DomainError(ErrorCode.OWN_ACCOUNT, 'You may not change your own account here');
    return { user, scope };
  }

  private mayManage(actor: Actor, user: User, scope: AccountScope): boolean {
    if (actor.role === Role.PlatformAdmin) return true;
    if (actor.role === Role.Regulator)
      return user.role === Role.Regulator && !!actor.regionPath && !!scope.regionPath?.startsWith(actor.regionPath);
    if (actor.role === Role.EnterpriseAdmin)
      return (
        !!actor.enterpriseId &&
        scope.enterpriseId === actor.enterpriseId &&
        [Role.EnterpriseAdmin, Role.SafetyManager, Role.Welder].includes(user.role)
      );
    return false;
  }

  private async scopeOf(em: EntityManager, user: User): Promise<AccountScope> {
    if (user.regionCode) {
      const region = await this.regions.findByCode(user.regionCode);
      return { enterpriseId: null, regionPath: region?.path ?? null };
    }
    let enterpriseId = user.enterpriseId;
    if (user.welderId) {
      // A welder's account follows the welder, not an employer: today's employer manages it.
      const [welder] = await this.welders.findWelders([user.welderId], em);
      enterpriseId = welder?.employerId ?? null;
    }
    const ent = enterpriseId ? await this.enterprises.findById(enterpriseId, em) : null;
    return { enterpriseId, regionPath: ent?.regionPath ?? null };
  }
}
