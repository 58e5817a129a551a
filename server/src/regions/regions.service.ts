import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { CreateRegionDto } from './dto/create-region.dto';
import { Region, RegionLevel } from './region.entity';
import { RegionsRepository } from './regions.repository';

const LEVEL_ORDER = [
  RegionLevel.Province,
  RegionLevel.City,
  RegionLevel.County,
  RegionLevel.Township,
  RegionLevel.Village,
];

@Injectable()
export class RegionsService {
  constructor(
    private readonly regions: RegionsRepository,
    private readonly audit: AuditService,
    private readonly ds: DataSource,
  ) {}

  /** Regions are reference data every logged-in user may read (to pick a region); `under` narrows to a subtree. */
  async list(under?: string): Promise<Region[]> {
    if (!under) return this.regions.findAllOrdered();
    const root = await this.regions.findByCode(under);
    if (!root) throw DomainError.notFound('Region');
    return this.regions.findSubtree(root.path);
  }

  async get(code: string): Promise<Region> {
    const r = await this.regions.findByCode(code);
    if (!r) throw DomainError.notFound('Region');
    return r;
  }

  async create(actor: Actor, dto: CreateRegionDto): Promise<Region> {
    return this.ds.transaction(async (em) => {
      let path = `/${dto.code}/`;
      if (dto.parentCode) {
        const parent = await em.findOne(Region, { where: { code: dto.parentCode } });
        if (!parent)
          throw new DomainError(ErrorCode.REGION_UNKNOWN, `Parent region ${dto.parentCode} is not known`, [
            { field: 'parentCode', code: 'unknownRegion', message: 'unknown parent region' },
          ]);
        if (LEVEL_ORDER.indexOf(dto.level) <= LEVEL_ORDER.indexOf(parent.level)) {
          throw DomainError.invalid(
            'level',
            'levelNotBelowParent',
            `A ${dto.level} cannot sit under a ${parent.level}`,
          );
        }
        path = `${parent.path}${dto.code}/`;
      }
      if (await em.findOne(Region, { where: { code: dto.code } })) {
        throw new DomainError(ErrorCode.DUPLICATE, `Region ${dto.code} exists`, [
          { field: 'code', code: 'duplicate', message: 'already exists' },
        ]);
      }
      const region = await em.save(
        Region,
        em.create(Region, {
          code: dto.code,
          name: dto.name,
          level: dto.level,
          parentCode: dto.parentCode ?? null,
          path,
        }),
      );
      await this.audit.record(em, actor, {
        action: 'region.create',
        entityType: 'region',
        entityId: region.code,
        regionPath: region.path,
        after: { ...region },
      });
      return region;
    });
  }
}
