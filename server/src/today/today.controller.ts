import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { TodayService } from './today.service';
import { TodayView } from './today.view';

@ApiTags('today')
@ApiBearerAuth()
@Roles(Role.Regulator)
@Controller('me')
export class TodayController {
  constructor(private readonly today: TodayService) {}

  @Get('today')
  @ApiOperation({
    summary:
      "今日待办: overdue hazards, hazards awaiting your sign-off or check, today's inspections, public reports waiting",
  })
  @ApiOkResponse({ type: TodayView })
  get(@CurrentActor() actor: Actor): Promise<TodayView> {
    return this.today.forActor(actor);
  }
}
