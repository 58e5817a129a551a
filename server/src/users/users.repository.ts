import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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

  /** The owner's own password change (auth/): clears the forced-change flag and dates the password. */
  replacePassword(id: string, passwordHash: string, at: Date): Promise<unknown> {
    return this.repo.update({ id }, { passwordHash, mustChangePassword: false, passwordChangedAt: at });
  }
}
