import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { CreateEngagementDto } from './dto/create-engagement.dto';
import { EngagementsRepository } from './engagements.repository';
import { WelderAccess } from './welder-access';
import { engagementView, EngagementView } from './welder-views';
import { WelderStatus } from './welder.entity';
import { WeldersRepository } from './welders.repository';

/** 劳务派遣 / 外包 / 承包: the employer records that its welder works for another enterprise for a while. */
@Injectable()
export class EngagementsService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: WelderAccess,
    private readonly welders: WeldersRepository,
    private readonly engagements: EngagementsRepository,
    private readonly audit: AuditService,
  ) {}

  create(actor: Actor, welderId: string, dto: CreateEngagementDto): Promise<EngagementView> {
    return this.ds.transaction(async (em) => {
      const scope = await this.access.findVisible(actor, welderId, em, true);
      this.access.assertManageable(actor, scope);
      const { welder, employer } = scope;
      if (welder.status !== WelderStatus.Active) throw new DomainError(ErrorCode.INVALID_STATE, 'An inactive welder cannot be engaged');
      const endsOn = dto.endsOn ?? null;
      if (endsOn !== null && endsOn < dto.startsOn) throw DomainError.invalid('endsOn', 'endsBeforeStart', 'endsOn must not be before startsOn');
      const host = await this.welders.findEnterprise(dto.enterpriseId, em);
      if (!host) throw DomainError.invalid('enterpriseId', 'unknownEnterprise', 'No such enterprise');
      if (host.id === employer.id) throw DomainError.invalid('enterpriseId', 'isEmployer', 'The welder already works for this enterprise as its employee');
      if (host.status !== EnterpriseStatus.Active) {
        throw new DomainError(ErrorCode.ENTERPRISE_INACTIVE, `The enterprise is ${host.status}`, [{ field: 'enterpriseId', code: 'enterpriseInactive', message: `enterprise is ${host.status}` }]);
      }
      if (await this.engagements.findOverlapping(em, welder.id, host.id, dto.startsOn, endsOn)) {
        throw new DomainError(ErrorCode.CONFLICT, 'The welder already has an engagement with this enterprise in that period', [{ field: 'startsOn', code: 'overlapsEngagement', message: 'overlaps an existing engagement' }]);
      }
      const g = await this.engagements.insert(em, { welderId: welder.id, enterpriseId: host.id, kind: dto.kind, startsOn: dto.startsOn, endsOn, note: dto.note ?? null });
      await this.audit.record(em, actor, {
        action: 'welder.engagement.create', entityType: 'welder_engagement', entityId: g.id, enterpriseId: employer.id, regionPath: employer.regionPath,
        after: { welderId: welder.id, enterpriseId: host.id, kind: g.kind, startsOn: g.startsOn, endsOn: g.endsOn, note: g.note },
      });
      return engagementView(g, host.name, this.access.today());
    });
  }
}
