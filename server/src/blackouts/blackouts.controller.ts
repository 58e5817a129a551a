import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { BlackoutView } from './blackout.view';
import { BlackoutsService } from './blackouts.service';
import { BlackoutIdParam, CancelBlackoutDto, CreateBlackoutDto, ListBlackoutsQueryDto } from './dto/blackout.dto';

@ApiTags('blackouts')
@ApiBearerAuth()
@Controller('blackouts')
export class BlackoutsController {
  constructor(private readonly blackouts: BlackoutsService) {}

  @Post()
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({
    summary: 'Declare a blackout (禁火期) for a region and its subtree (regulators: own region or below)',
  })
  @ApiCreatedResponse({ type: BlackoutView })
  declare(@CurrentActor() actor: Actor, @Body() dto: CreateBlackoutDto): Promise<BlackoutView> {
    return this.blackouts.declare(actor, dto);
  }

  @Get()
  @ApiOperation({
    summary:
      'Blackouts: regulators those covering or inside their region; enterprises and welders those that apply to them',
  })
  list(@CurrentActor() actor: Actor, @Query() q: ListBlackoutsQueryDto): Promise<Paginated<BlackoutView>> {
    return this.blackouts.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One blackout' })
  @ApiOkResponse({ type: BlackoutView })
  get(@CurrentActor() actor: Actor, @Param() p: BlackoutIdParam): Promise<BlackoutView> {
    return this.blackouts.get(actor, p.id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: 'Cancel a blackout that has not ended (regulators of the declaring region or above)' })
  @ApiOkResponse({ type: BlackoutView })
  cancel(
    @CurrentActor() actor: Actor,
    @Param() p: BlackoutIdParam,
    @Body() dto: CancelBlackoutDto,
  ): Promise<BlackoutView> {
    return this.blackouts.cancel(actor, p.id, dto.reason);
  }
}
