import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { CreateUserDto } from './dto/create-user.dto';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { User } from './user.entity';
import { Role } from '../common/roles/role';
import { UsersRepository } from './users.repository';
import { assertPasswordPolicy } from '../common/passwords/password-policy';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  enterpriseId: string | null;
  welderId: string | null;
  status: string;
  lastLoginAt: Date | null;
  createdAt: Date;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(WELDER_ROSTER) private readonly welders: WelderRoster,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly access: AccessPolicy,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
  ) {}

  findActiveByUsername(username: string): Promise<User | null> {
    return this.users.findActiveByUsername(username);
  }

  /** Whether an account already has this user name (self-registration checks it before and at approval). */
  isUsernameTaken(username: string, em?: EntityManager): Promise<boolean> {
    return this.users.usernameTaken(username, em);
  }

  /**
   * The admin account of a newly approved self-registered enterprise, inside the approval's transaction.
   * The applicant chose the password (only its hash travels), so there is no forced change.
   */
  async createRegisteredEnterpriseAdmin(
    em: EntityManager,
    actor: Actor,
    a: { username: string; displayName: string; passwordHash: string; enterpriseId: string; regionPath: string },
  ): Promise<UserView> {
    if (await this.users.usernameTaken(a.username, em))
      throw new DomainError(ErrorCode.DUPLICATE, 'The user name is taken', [
        { field: 'adminUsername', code: 'duplicate', message: 'already taken' },
      ]);
    const user = await em.save(
      User,
      em.create(User, {
        username: a.username,
        passwordHash: a.passwordHash,
        displayName: a.displayName,
        role: Role.EnterpriseAdmin,
        regionCode: null,
        enterpriseId: a.enterpriseId,
        welderId: null,
        mustChangePassword: false,
        passwordChangedAt: this.clock.now(),
      }),
    );
    const view = this.toView(user);
    await this.audit.record(em, actor, {
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      enterpriseId: a.enterpriseId,
      regionPath: a.regionPath,
      after: { ...view },
    });
    return view;
  }

  /** An active user by id, with the password hash (auth/: the user's own password change, TOTP disable). */
  findActiveById(id: string): Promise<User | null> {
    return this.users.findActiveById(id);
  }

  async mustChangePassword(id: string): Promise<boolean> {
    return (await this.users.findById(id))?.mustChangePassword ?? false;
  }

  /** Stores the user's own new password (already checked and hashed by auth/), in auth's audited transaction. */
  async replaceOwnPassword(em: EntityManager, id: string, passwordHash: string): Promise<void> {
    await this.users.replacePassword(em, id, passwordHash, this.clock.now());
  }

  async markLoggedIn(id: string): Promise<void> {
    await this.users.touchLastLogin(id, this.clock.now());
  }

  async actorForUserId(id: string): Promise<Actor | null> {
    const user = await this.users.findActiveById(id);
    if (!user) return null;
    const region = user.regionCode ? await this.regions.findByCode(user.regionCode) : null;
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      regionCode: user.regionCode,
      regionPath: region?.path ?? null,
      enterpriseId: user.enterpriseId,
      welderId: user.welderId,
    };
  }

  toView(u: User): UserView {
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
      createdAt: u.createdAt,
    };
  }

  async describeActor(actor: Actor): Promise<UserView> {
    const user = await this.users.findById(actor.userId!);
    if (!user) throw DomainError.notFound('User');
    return this.toView(user);
  }

  /**
   * Platform admins create any account; regulators create regulator accounts inside their subtree;
   * enterprise admins create admins, safety managers and welder accounts of their own enterprise.
   * The password policy applies, and the owner must change the password at the next log-in.
   */
  async create(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    assertPasswordPolicy(dto.password, dto.username);
    const passwordHash = await this.hasher.hash(dto.password);
    return this.ds.transaction(async (em) => {
      const scope = {
        regionCode: null as string | null,
        enterpriseId: null as string | null,
        welderId: null as string | null,
        regionPath: null as string | null,
      };
      if (dto.role === Role.Regulator) {
        if (!dto.regionCode)
          throw DomainError.invalid('regionCode', 'required', 'regionCode is required for a regulator');
        const region = await this.regions.findByCode(dto.regionCode);
        if (!region)
          throw new DomainError(ErrorCode.REGION_UNKNOWN, `Region ${dto.regionCode} is not known`, [
            { field: 'regionCode', code: 'unknownRegion', message: 'unknown region' },
          ]);
        const allowed =
          actor.role === Role.PlatformAdmin ||
          (actor.role === Role.Regulator && !!actor.regionPath && region.path.startsWith(actor.regionPath));
        if (!allowed) throw new DomainError(ErrorCode.FORBIDDEN, 'You may not create a regulator for this region');
        scope.regionCode = region.code;
        scope.regionPath = region.path;
      } else if (dto.role === Role.EnterpriseAdmin || dto.role === Role.SafetyManager) {
        if (!dto.enterpriseId)
          throw DomainError.invalid('enterpriseId', 'required', 'enterpriseId is required for an enterprise account');
        const ent = await this.enterpriseLookup.findById(dto.enterpriseId, em);
        if (!ent || !this.access.canReadEnterprise(actor, ent)) throw DomainError.notFound('Enterprise');
        const allowed =
          actor.role === Role.PlatformAdmin || (actor.role === Role.EnterpriseAdmin && actor.enterpriseId === ent.id);
        if (!allowed) throw new DomainError(ErrorCode.FORBIDDEN, 'You may not create this account');
        scope.enterpriseId = ent.id;
        scope.regionPath = ent.regionPath;
      } else if (dto.role === Role.Welder) {
        if (!dto.welderId)
          throw DomainError.invalid('welderId', 'required', 'welderId is required for a welder account');
        // Locked as the welder's own activation locks it: the two queue, and one welder gets one account.
        const welder = await this.welders.lockWelder(em, dto.welderId);
        const employer = welder ? await this.enterpriseLookup.findById(welder.employerId, em) : null;
        if (!welder || !employer || !this.access.canReadEnterprise(actor, employer))
          throw DomainError.notFound('Welder');
        const allowed =
          actor.role === Role.PlatformAdmin ||
          (actor.role === Role.EnterpriseAdmin && actor.enterpriseId === employer.id);
        if (!allowed) throw new DomainError(ErrorCode.FORBIDDEN, 'You may not create this account');
        if (await this.users.findByWelderId(em, welder.id))
          throw new DomainError(ErrorCode.DUPLICATE, 'This welder already has an account', [
            { field: 'welderId', code: 'hasAccount', message: 'already has an account' },
          ]);
        scope.welderId = welder.id;
        scope.regionPath = employer.regionPath;
      } else if (actor.role !== Role.PlatformAdmin) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'Only a platform admin may create a platform admin');
      }
      const taken = await em.findOne(User, { where: { username: dto.username } });
      if (taken)
        throw new DomainError(ErrorCode.DUPLICATE, 'The user name is taken', [
          { field: 'username', code: 'duplicate', message: 'already taken' },
        ]);
      const user = await em.save(
        User,
        em.create(User, {
          username: dto.username,
          passwordHash,
          displayName: dto.displayName,
          role: dto.role,
          regionCode: scope.regionCode,
          enterpriseId: scope.enterpriseId,
          welderId: scope.welderId,
          // Someone else chose this password: the owner replaces it at the first log-in.
          mustChangePassword: true,
          passwordChangedAt: this.clock.now(),
        }),
      );
      const view = this.toView(user);
      await this.audit.record(em, actor, {
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        enterpriseId: scope.enterpriseId,
        regionPath: scope.regionPath,
        after: { ...view },
      });
      return view;
    });
  }
}
