import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import { CaseSuspensionView, CaseView, EnforcementStatView } from './case.view';
import { CasesService } from './cases.service';
import { CloseCaseDto, EnforcementStatisticsQueryDto, ListCasesQueryDto, OpenCaseDto } from './dto/case.dto';

/** 立案与处罚: regulators of the enterprise's region; platform admins read. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  @ApiOperation({ summary: 'Enforcement cases in your region, newest first' })
  @ApiPaginatedResponse(CaseView)
  list(@CurrentActor() actor: Actor, @Query() q: ListCasesQueryDto): Promise<Paginated<CaseView>> {
    return this.cases.list(actor, q);
  }

  @Get('statistics')
  @ApiOperation({
    summary:
      '执法统计 per township and month: hazards found, rectified on time / overdue, cases, fines (zero-penalty rows included)',
  })
  @ApiOkResponse({ type: [EnforcementStatView] })
  statistics(@CurrentActor() actor: Actor, @Query() q: EnforcementStatisticsQueryDto): Promise<EnforcementStatView[]> {
    return this.cases.statisticsPerMonth(actor, q);
  }

  @Get('suspended-machines')
  @ApiOperation({ summary: 'Machines that open cases in your region keep suspended (暂停使用), with the case' })
  @ApiOkResponse({ type: [CaseSuspensionView] })
  suspensions(@CurrentActor() actor: Actor): Promise<CaseSuspensionView[]> {
    return this.cases.suspensions(actor);
  }

  @Post()
  @Roles(Role.Regulator)
  @ApiOperation({
    summary:
      '立案 from a hazard or an inspection target: legal basis, decision (warning, fine, machine suspension, 停产整顿), 一案双罚',
  })
  @ApiCreatedResponse({ type: CaseView })
  open(@CurrentActor() actor: Actor, @Body() dto: OpenCaseDto): Promise<CaseView> {
    return this.cases.open(actor, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One enforcement case' })
  @ApiOkResponse({ type: CaseView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<CaseView> {
    return this.cases.get(actor, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '结案, optionally lifting the suspension of the machines the case suspended' })
  @ApiOkResponse({ type: CaseView })
  close(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: CloseCaseDto,
  ): Promise<CaseView> {
    return this.cases.close(actor, id, dto);
  }
}
