import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { likeContains } from '../common/validation/field-helpers';
import { Role } from '../common/roles/role';
import { User, UserStatus } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly repo: Repository<User>) {}

  findActiveById(id: string): Promise<User | null> {
    return this.repo.findOne({ where: { id, status: UserStatus.Active } });
  }

  findActiveByUsername(username: string): Promise<User | null> {
    return this.repo.findOne({ where: { username, status: UserStatus.Active } });
  }

  findById(id: string): Promise<User | null> {
    return this.repo.findOne({ where: { id } });
  }

  touchLastLogin(id: string, at: Date): Promise<unknown> {
    return this.repo.update({ id }, { lastLoginAt: at });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<User | null> {
    return em.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByWelderId(em: EntityManager, welderId: string): Promise<User | null> {
    return em.findOne(User, { where: { welderId } });
  }

  usernameTaken(username: string, em: EntityManager = this.repo.manager): Promise<boolean> {
    return em.exists(User, { where: { username } });
  }

  /**
   * A page of accounts, by user name. `scope`: null = every account (platform admin); otherwise accounts
   * whose region is one of `regionCodes` with one of `roles`, or of `enterpriseId`, or of one of `welderIds`.
   */
  findPage(opts: {
    scope: { regionCodes?: string[]; roles?: Role[]; enterpriseId?: string; welderIds?: string[] } | null;
    q?: string;
    role?: Role;
    status?: string;
    offset: number;
    limit: number;
  }): Promise<[User[], number]> {
    const qb = this.repo.createQueryBuilder('u');
    const s = opts.scope;
    if (s) {
      qb.andWhere(
        new Brackets((w) => {
          w.where('false');
          if (s.regionCodes?.length)
            w.orWhere('(u.region_code IN (:...regionCodes) AND u.role IN (:...roles))', {
              regionCodes: s.regionCodes,
              roles: s.roles ?? [Role.Regulator],
            });
          if (s.enterpriseId) w.orWhere('u.enterprise_id = :enterpriseId', { enterpriseId: s.enterpriseId });
          if (s.welderIds?.length) w.orWhere('u.welder_id IN (:...welderIds)', { welderIds: s.welderIds });
        }),
      );
    }
    if (opts.q)
      qb.andWhere('(u.username ILIKE :q OR u.display_name ILIKE :q)', {
        q: likeContains(opts.q),
      });
    if (opts.role) qb.andWhere('u.role = :role', { role: opts.role });
    if (opts.status) qb.andWhere('u.status = :status', { status: opts.status });
    return qb.orderBy('u.username', 'ASC').skip(opts.offset).take(opts.limit).getManyAndCount();
  }

  /** The owner's own password change (auth/): clears the forced-change flag and dates the password. */
  replacePassword(em: EntityManager, id: string, passwordHash: string, at: Date): Promise<unknown> {
    return em.getRepository(User).update({ id }, { passwordHash, mustChangePassword: false, passwordChangedAt: at });
  }
}
