import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Public, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import { ReportStatusThrottlerGuard } from '../reports/report-throttler.guards';
import { ListRewardsQueryDto, PayRewardDto, ProposeRewardDto, SetRewardRuleDto } from './dto/reward.dto';
import { PublicRewardStatusView, RewardRuleView, RewardView } from './reward.view';
import { RewardsService } from './rewards.service';

/** 查实即奖: the county's reward table and the rewards of confirmed reports; regulators only. */
@ApiTags('rewards')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('rewards')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Get('rules')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: "The county's reward amounts by hazard category and level" })
  @ApiOkResponse({ type: [RewardRuleView] })
  rules(@CurrentActor() actor: Actor): Promise<RewardRuleView[]> {
    return this.rewards.rules(actor);
  }

  @Put('rules')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: 'Set one amount of the reward table (county regulators)' })
  @ApiOkResponse({ type: RewardRuleView })
  setRule(@CurrentActor() actor: Actor, @Body() dto: SetRewardRuleDto): Promise<RewardRuleView> {
    return this.rewards.setRule(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Rewards in your region, newest first' })
  @ApiPaginatedResponse(RewardView)
  list(@CurrentActor() actor: Actor, @Query() q: ListRewardsQueryDto): Promise<Paginated<RewardView>> {
    return this.rewards.list(actor, q);
  }

  @Post()
  @Roles(Role.Regulator)
  @ApiOperation({ summary: 'Propose the reward of a confirmed report at the amount the county table gives' })
  @ApiCreatedResponse({ type: RewardView })
  propose(@CurrentActor() actor: Actor, @Body() dto: ProposeRewardDto): Promise<RewardView> {
    return this.rewards.propose(actor, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One reward' })
  @ApiOkResponse({ type: RewardView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<RewardView> {
    return this.rewards.get(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({ summary: 'Approve a proposed reward: a regulator other than the proposer' })
  @ApiOkResponse({ type: RewardView })
  approve(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<RewardView> {
    return this.rewards.approve(actor, id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({ summary: 'Record the payment of an approved reward: date and payment reference' })
  @ApiOkResponse({ type: RewardView })
  pay(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: PayRewardDto,
  ): Promise<RewardView> {
    return this.rewards.pay(actor, id, dto);
  }
}

/** The reporter follows the reward with the tracking code: state and amount only. */
@ApiTags('public')
@Controller('public')
export class PublicRewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Public()
  @UseGuards(ReportStatusThrottlerGuard)
  @Get('reports/:trackingCode/reward')
  @Header('Cache-Control', 'no-store')
  @ApiParam({ name: 'trackingCode', example: 'AB3DE-FG7HK' })
  @ApiOperation({
    summary: 'The reward of the report with this tracking code (state, amount, paid date); nothing else',
  })
  @ApiOkResponse({ type: PublicRewardStatusView })
  @ApiNotFoundResponse({ description: 'No report has this tracking code' })
  status(@Param('trackingCode') trackingCode: string): Promise<PublicRewardStatusView> {
    return this.rewards.publicStatus(trackingCode);
  }
}
