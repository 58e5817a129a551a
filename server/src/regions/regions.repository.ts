import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Region } from './region.entity';
import { RegionLookup } from './region-lookup';

@Injectable()
export class RegionsRepository implements RegionLookup {
  constructor(@InjectRepository(Region) private readonly repo: Repository<Region>) {}

  findByCode(code: string): Promise<Region | null> {
    return this.repo.findOne({ where: { code } });
  }

  findPickable(): Promise<Region[]> {
    return this.repo
      .createQueryBuilder('g')
      .where(`g.level IN ('county', 'township')`)
      .orderBy('g.path', 'ASC')
      .getMany();
  }

  /** The region and everything below it, ordered so that parents come before children. */
  findSubtree(path: string): Promise<Region[]> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.path LIKE :p', { p: `${path}%` })
      .orderBy('r.path', 'ASC')
      .getMany();
  }

  findAllOrdered(): Promise<Region[]> {
    return this.repo.createQueryBuilder('r').orderBy('r.path', 'ASC').getMany();
  }

  countAll(): Promise<number> {
    return this.repo.count();
  }
}
