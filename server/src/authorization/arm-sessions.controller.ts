import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { ArmSessionsService } from './arm-sessions.service';
import { ArmSessionResultDto, ArmSessionViewDto, WorkSessionDto } from './dto/arm-session.view';
import { ListArmSessionsQueryDto } from './dto/list-arm-sessions.query';
import { CreateArmSessionDto } from './dto/create-arm-session.dto';

@ApiTags('authorization')
@ApiBearerAuth()
@Controller('arm-sessions')
export class ArmSessionsController {
  constructor(private readonly sessions: ArmSessionsService) {}

  @Post()
  @HttpCode(200)
  @Roles(Role.Welder)
  @ApiOperation({
    summary:
      'Phone start (扫码启动): scan the machine code, pick the permit; a decision is made and, if allowed, the grant is pushed to the device (now, or when it comes online within 10 min)',
  })
  @ApiOkResponse({
    type: ArmSessionResultDto,
    description: 'allowed=false carries the reason code; a forged, unknown or revoked machine code is a 4xx instead',
  })
  start(@CurrentActor() actor: Actor, @Body() dto: CreateArmSessionDto): Promise<ArmSessionResultDto> {
    return this.sessions.start(actor, dto);
  }

  @Get()
  @Roles(Role.Welder)
  @ApiOperation({
    summary:
      'Your own phone starts requested in a period (今日作业: the phone asks for its local day), newest first, with relay and arc times',
  })
  @ApiOkResponse({ type: [WorkSessionDto] })
  list(@CurrentActor() actor: Actor, @Query() q: ListArmSessionsQueryDto): Promise<WorkSessionDto[]> {
    return this.sessions.listMine(actor, q);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Roles(Role.Welder)
  @ApiOperation({
    summary:
      '结束作业: end one of your phone starts. A live grant is revoked (WORK_ENDED): the device opens its relay and locks. Audited; ending an ended session changes nothing',
  })
  @ApiOkResponse({ type: ArmSessionViewDto })
  end(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ArmSessionViewDto> {
    return this.sessions.end(actor, id);
  }

  @Get(':id')
  @Roles(Role.Welder)
  @ApiOperation({
    summary:
      'Delivery state of one of your phone starts (pending, delivered, armed, expired, revoked) and what the machine reported: relay, arcs',
  })
  @ApiOkResponse({ type: ArmSessionViewDto })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string): Promise<ArmSessionViewDto> {
    return this.sessions.get(actor, id);
  }
}
