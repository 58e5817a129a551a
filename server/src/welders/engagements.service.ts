import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { isWelderActive } from './certificate-verdict';
import { CreateEngagementDto } from './dto/create-engagement.dto';
import { EndEngagementDto } from './dto/end-engagement.dto';
import { EngagementsRepository } from './engagements.repository';
import { WelderAccess } from './welder-access';
import { engagementView, EngagementView } from './welder-views';
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
      if (!isWelderActive(welder.status))
        throw new DomainError(ErrorCode.INVALID_STATE, 'An inactive welder cannot be engaged');
      const endsOn = dto.endsOn ?? null;
      if (endsOn !== null && endsOn < dto.startsOn)
        throw DomainError.invalid('endsOn', 'endsBeforeStart', 'endsOn must not be before startsOn');
      const host = await this.welders.findEnterprise(dto.enterpriseId, em);
      if (!host) throw DomainError.invalid('enterpriseId', 'unknownEnterprise', 'No such enterprise');
      if (host.id === employer.id)
        throw DomainError.invalid(
          'enterpriseId',
          'isEmployer',
          'The welder already works for this enterprise as its employee',
        );
      if (host.status !== EnterpriseStatus.Active) {
        throw new DomainError(ErrorCode.ENTERPRISE_INACTIVE, `The enterprise is ${host.status}`, [
          { field: 'enterpriseId', code: 'enterpriseInactive', message: `enterprise is ${host.status}` },
        ]);
      }
      if (await this.engagements.findOverlapping(em, welder.id, host.id, dto.startsOn, endsOn)) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          'The welder already has an engagement with this enterprise in that period',
          [{ field: 'startsOn', code: 'overlapsEngagement', message: 'overlaps an existing engagement' }],
        );
      }
      const g = await this.engagements.insert(em, {
        welderId: welder.id,
        enterpriseId: host.id,
        kind: dto.kind,
        startsOn: dto.startsOn,
        endsOn,
        note: dto.note ?? null,
      });
      await this.audit.record(em, actor, {
        action: 'welder.engagement.create',
        entityType: 'welder_engagement',
        entityId: g.id,
        enterpriseId: employer.id,
        regionPath: employer.regionPath,
        after: {
          welderId: welder.id,
          enterpriseId: host.id,
          kind: g.kind,
          startsOn: g.startsOn,
          endsOn: g.endsOn,
          note: g.note,
        },
      });
      return engagementView(g, host.name, this.access.today());
    });
  }

  /**
   * Brings the last day forward (a dispatch ends early, a contractor leaves). Never retroactive: past
   * days stay as recorded, because permits were checked against them. Refused while a submitted or
   * approved permit of the host names the welder past the new end: cancel or amend it first, which
   * also revokes its grants, so that ending an engagement never silently leaves a live permit behind.
   */
  end(actor: Actor, welderId: string, engagementId: string, dto: EndEngagementDto): Promise<EngagementView> {
    return this.ds.transaction(async (em) => {
      const scope = await this.access.findVisible(actor, welderId, em, true);
      const g = await this.engagements.findOfWelderForUpdate(em, welderId, engagementId);
      if (!g) throw DomainError.notFound('Engagement');
      const host = await this.welders.findEnterprise(g.enterpriseId, em);
      if (!host) throw DomainError.notFound('Engagement');
      this.access.assertMayEndEngagement(actor, scope, host);
      const today = this.access.today();
      if (g.endsOn !== null && g.endsOn < today)
        throw new DomainError(ErrorCode.INVALID_STATE, `The engagement already ended on ${g.endsOn}`);
      if (dto.endsOn < g.startsOn)
        throw DomainError.invalid('endsOn', 'endsBeforeStart', 'endsOn must not be before startsOn');
      if (dto.endsOn < today) throw DomainError.invalid('endsOn', 'inPast', `endsOn must be today (${today}) or later`);
      if (g.endsOn !== null && dto.endsOn >= g.endsOn)
        throw DomainError.invalid('endsOn', 'notEarlier', `endsOn must be earlier than the current end ${g.endsOn}`);
      const permits = await this.engagements.findPermitsInDaysGivenUp(em, welderId, host.id, dto.endsOn, g.endsOn);
      if (permits.length) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          'Permits of the host enterprise still name this welder after that day; cancel or amend them first',
          permits.map((p) => ({
            field: 'endsOn',
            code: 'permitNamesWelder',
            message: `permit ${p.id} names the welder until ${p.plannedEnd.toISOString()}`,
          })),
        );
      }
      const before = { endsOn: g.endsOn };
      await this.engagements.updateEnd(em, g.id, dto.endsOn);
      g.endsOn = dto.endsOn;
      await this.audit.record(em, actor, {
        action: 'welder.engagement.end',
        entityType: 'welder_engagement',
        entityId: g.id,
        enterpriseId: scope.employer.id,
        regionPath: scope.employer.regionPath,
        before,
        after: { endsOn: g.endsOn, hostEnterpriseId: host.id, reason: dto.reason ?? null },
      });
      return engagementView(g, host.name, today);
    });
  }
}
