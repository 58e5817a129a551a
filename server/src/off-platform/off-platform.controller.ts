import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { XLSX_MIME, xlsxStreamDownload } from '../common/http/xlsx-files';
import { Role } from '../common/roles/role';
import { AuditExportQueryDto, AuditQueryDto } from './dto/audit-query.dto';
import {
  AuditIndustriesView,
  EmptyEnterpriseView,
  FoundUnregisteredMachineView,
  IdlePermitView,
  RankingRowView,
  ReportedEnterpriseView,
  ReviewDueCertificateView,
  SilentMachineView,
  UncertifiedWelderView,
  UnpermittedMachineView,
} from './dto/audit.views';
import { OffPlatformService } from './off-platform.service';

/**
 * 非法作业排查: the suspects a regulator audits for welding off the platform. Regulators (their region)
 * and platform admins only: an enterprise is the subject of this audit, not its reader.
 */
@ApiTags('off-platform')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('off-platform')
export class OffPlatformController {
  constructor(private readonly audit: OffPlatformService) {}

  @Get('silent-machines')
  @ApiOperation({
    summary:
      'Machines registered but not chipped, or chipped before the look-back and never or rarely (≤ 2 China days) heard since',
  })
  @ApiPaginatedResponse(SilentMachineView)
  silentMachines(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto): Promise<Paginated<SilentMachineView>> {
    return this.audit.list('silent-machines', actor, q);
  }

  @Get('unpermitted-machines')
  @ApiOperation({
    summary:
      'Machines heard on China days with no permit naming them in force that day, or that recorded arcs without a grant, in the look-back',
  })
  @ApiPaginatedResponse(UnpermittedMachineView)
  unpermittedMachines(
    @CurrentActor() actor: Actor,
    @Query() q: AuditQueryDto,
  ): Promise<Paginated<UnpermittedMachineView>> {
    return this.audit.list('unpermitted-machines', actor, q);
  }

  @Get('empty-enterprises')
  @ApiOperation({
    summary: 'Enterprises in business in a welding-heavy industry with no machine or no active welder registered',
  })
  @ApiPaginatedResponse(EmptyEnterpriseView)
  emptyEnterprises(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto): Promise<Paginated<EmptyEnterpriseView>> {
    return this.audit.list('empty-enterprises', actor, q);
  }

  @Get('uncertified-welders')
  @ApiOperation({
    summary: "Active welders whose best welding certificate is not valid today (the welders module's rule)",
  })
  @ApiPaginatedResponse(UncertifiedWelderView)
  uncertifiedWelders(
    @CurrentActor() actor: Actor,
    @Query() q: AuditQueryDto,
  ): Promise<Paginated<UncertifiedWelderView>> {
    return this.audit.list('uncertified-welders', actor, q);
  }

  @Get('review-due-certificates')
  @ApiOperation({
    summary: 'Welding certificates of active welders whose review (复审) window has opened or whose review is overdue',
  })
  @ApiPaginatedResponse(ReviewDueCertificateView)
  reviewDueCertificates(
    @CurrentActor() actor: Actor,
    @Query() q: AuditQueryDto,
  ): Promise<Paginated<ReviewDueCertificateView>> {
    return this.audit.list('review-due-certificates', actor, q);
  }

  @Get('idle-permits')
  @ApiOperation({
    summary:
      'Permits that ended in the look-back with no arc under them while one of their machines arced inside the window under no grant of the permit',
  })
  @ApiPaginatedResponse(IdlePermitView)
  idlePermits(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto): Promise<Paginated<IdlePermitView>> {
    return this.audit.list('idle-permits', actor, q);
  }

  @Get('reported-enterprises')
  @ApiOperation({
    summary: 'Public reports of the last year that placed illegal welding at an enterprise (not rejected)',
  })
  @ApiPaginatedResponse(ReportedEnterpriseView)
  reportedEnterprises(
    @CurrentActor() actor: Actor,
    @Query() q: AuditQueryDto,
  ): Promise<Paginated<ReportedEnterpriseView>> {
    return this.audit.list('reported-enterprises', actor, q);
  }

  @Get('found-unregistered-machines')
  @ApiOperation({
    summary: 'Machines inspectors found on site with no code in the last year (each also a hazard 焊机未加芯赋码)',
  })
  @ApiPaginatedResponse(FoundUnregisteredMachineView)
  foundUnregisteredMachines(
    @CurrentActor() actor: Actor,
    @Query() q: AuditQueryDto,
  ): Promise<Paginated<FoundUnregisteredMachineView>> {
    return this.audit.list('found-unregistered-machines', actor, q);
  }

  @Get('ranking')
  @ApiOperation({
    summary:
      'Enterprises ranked by how likely they weld off the platform: the sum of capped points per signal, each signal shown with its count and points',
  })
  @ApiPaginatedResponse(RankingRowView)
  ranking(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto): Promise<Paginated<RankingRowView>> {
    return this.audit.ranking(actor, q);
  }

  @Get('industries')
  @ApiOperation({ summary: 'Industries recorded in your scope (for the filter) and those counted as welding-heavy' })
  @ApiOkResponse({ type: AuditIndustriesView })
  industries(@CurrentActor() actor: Actor): Promise<AuditIndustriesView> {
    return this.audit.industries(actor);
  }

  @Get('export.xlsx')
  @ApiOperation({
    summary: 'One suspect list or the ranking as .xlsx (same filters; every suspect; audited)',
    description:
      "Streamed (chunked) from one database snapshot, the first bytes after the first 1,000 rows; no row limit but the sheet's (1,048,575). At most two exports run at once per server; more wait their turn.",
  })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse({ content: { [XLSX_MIME]: { schema: { type: 'string', format: 'binary' } } } })
  async export(@CurrentActor() actor: Actor, @Query() q: AuditExportQueryDto): Promise<StreamableFile> {
    const file = await this.audit.export(q.list, actor, q);
    return xlsxStreamDownload(file.stream, file.asciiName, file.chineseName);
  }
}
