import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { CreateTrainingDto } from './dto/create-training.dto';
import { TrainingTier } from './training-record.entity';
import { TrainingsRepository } from './trainings.repository';
import { WelderAccess } from './welder-access';
import { trainingView, TrainingView } from './welder-views';

/** 分级培训: county and township training is recorded by regulators, enterprise training by the enterprise. */
@Injectable()
export class TrainingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: WelderAccess,
    private readonly policy: AccessPolicy,
    private readonly trainings: TrainingsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, welderId: string, query: PaginationQueryDto): Promise<Paginated<TrainingView>> {
    const { welder } = await this.access.findVisible(actor, welderId);
    const [rows, total] = await this.trainings.findPageOfWelder(welder.id, offsetOf(query), query.pageSize);
    return paginate(rows.map(trainingView), total, query);
  }

  record(actor: Actor, welderId: string, dto: CreateTrainingDto): Promise<TrainingView> {
    return this.ds.transaction(async (em) => {
      const { welder, employer } = await this.access.findVisible(actor, welderId, em);
      this.assertMayRecord(actor, dto.tier);
      if (dto.completedOn > this.access.today())
        throw DomainError.invalid('completedOn', 'inFuture', 'completedOn must not be in the future');
      const t = await this.trainings.insert(em, {
        welderId: welder.id,
        tier: dto.tier,
        course: dto.course,
        hours: dto.hours,
        completedOn: dto.completedOn,
        provider: dto.provider ?? null,
        passed: dto.passed,
      });
      await this.audit.record(em, actor, {
        action: 'welder.training.create',
        entityType: 'training_record',
        entityId: t.id,
        enterpriseId: employer.id,
        regionPath: employer.regionPath,
        after: {
          welderId: welder.id,
          tier: t.tier,
          course: t.course,
          hours: t.hours,
          completedOn: t.completedOn,
          provider: t.provider,
          passed: t.passed,
        },
      });
      return trainingView(t);
    });
  }

  /** Who organised the training decides who may record it. */
  private assertMayRecord(actor: Actor, tier: TrainingTier): void {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return;
    const allowed =
      actor.role === Role.Regulator
        ? [TrainingTier.County, TrainingTier.Township]
        : this.policy.isEnterpriseUser(actor)
          ? [TrainingTier.Enterprise]
          : [];
    if (!allowed.includes(tier)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `Your role may not record ${tier} training`, [
        { field: 'tier', code: 'tierNotAllowed', message: `allowed: ${allowed.join(', ') || 'none'}` },
      ]);
    }
  }
}
