import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { User } from './user.entity';

/** Display names of accounts (会亭镇安监站, 恒达钢结构安全科) for other modules' trails: names only, nothing else of the account. */
export interface UserNameLookup {
  /** Missing ids are left out. */
  displayNames(ids: string[]): Promise<Map<string, string>>;
}

export const USER_NAME_LOOKUP = 'USER_NAME_LOOKUP';

@Injectable()
export class UserNameTableLookup implements UserNameLookup {
  constructor(private readonly ds: DataSource) {}

  async displayNames(ids: string[]): Promise<Map<string, string>> {
    const uniq = [...new Set(ids)];
    if (!uniq.length) return new Map();
    const rows = await this.ds.manager.find(User, { where: { id: In(uniq) }, select: { id: true, displayName: true } });
    return new Map(rows.map((u) => [u.id, u.displayName]));
  }
}
