import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Public, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { PublicReadThrottlerGuard } from '../common/http/named-limit.guard';
import { Paginated, PaginationQueryDto } from '../common/http/pagination';
import { DomainError } from '../common/errors/domain-error';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import { CheckInDto, CreateInspectionPlanDto, CreateTargetedInspectionDto } from './dto/inspection.dto';
import { InspectionPlanSummaryView, InspectionPlanView, PublicInspectionPlanView } from './inspection.view';
import { InspectionsService } from './inspections.service';

/** A target's place in the draw, 1…200. */
function positionParam(v: string): number {
  if (!/^[1-9]\d{0,2}$/.test(v) || Number(v) > 200)
    throw DomainError.invalid('position', 'isInt', '检查对象序号无效 (invalid position)');
  return Number(v);
}

/** 双随机 inspection plans: regulators of the region; platform admins read. */
@ApiTags('inspections')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('inspection-plans')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Get()
  @ApiOperation({ summary: 'Inspection plans in your region, newest first' })
  @ApiPaginatedResponse(InspectionPlanSummaryView)
  list(@CurrentActor() actor: Actor, @Query() q: PaginationQueryDto): Promise<Paginated<InspectionPlanSummaryView>> {
    return this.inspections.list(actor, q);
  }

  @Post()
  @Roles(Role.Regulator)
  @ApiOperation({
    summary:
      '双随机: plan inspections for a period and region; enterprises drawn by weight, two inspectors each, seed recorded',
  })
  @ApiCreatedResponse({ type: InspectionPlanView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateInspectionPlanDto): Promise<InspectionPlanView> {
    return this.inspections.createPlan(actor, dto);
  }

  @Post('targeted')
  @Roles(Role.Regulator)
  @ApiOperation({
    summary:
      '定向检查: one enterprise (an off-platform suspect) becomes an inspection target; its two inspectors are drawn, the plan is not published',
  })
  @ApiCreatedResponse({ type: InspectionPlanView })
  createTargeted(@CurrentActor() actor: Actor, @Body() dto: CreateTargetedInspectionDto): Promise<InspectionPlanView> {
    return this.inspections.createTargeted(actor, dto);
  }

  @Post(':id/targets/:position/check-in')
  @Roles(Role.Regulator)
  @HttpCode(200)
  @ApiOperation({ summary: '现场检查: one of the two inspectors drawn for the enterprise checks in on site (GPS)' })
  @ApiOkResponse({ type: InspectionPlanView })
  checkIn(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Body() dto: CheckInDto,
  ): Promise<InspectionPlanView> {
    return this.inspections.checkIn(actor, id, positionParam(position), dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A plan with its draw: seed, weights, candidates, inspector pool and the result' })
  @ApiOkResponse({ type: InspectionPlanView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<InspectionPlanView> {
    return this.inspections.get(actor, id);
  }
}

/** 一公开: the published draw, for anyone. */
@ApiTags('public')
@Controller('public/inspection-plans')
export class PublicInspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Public()
  @UseGuards(PublicReadThrottlerGuard)
  @Get(':id')
  @ApiOperation({ summary: '一公开: a plan’s draw and result with what is needed to re-run it; no personal data' })
  @ApiOkResponse({ type: PublicInspectionPlanView })
  get(@Param('id', uuidParam()) id: string): Promise<PublicInspectionPlanView> {
    return this.inspections.getPublic(id);
  }
}
