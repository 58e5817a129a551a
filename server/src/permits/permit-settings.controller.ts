import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { PaginationQueryDto } from '../common/http/pagination';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { PermitSettingsDto, UserPositionsDto } from './dto/permit-settings.dto';
import { PermitSettingsService } from './permit-settings.service';

@ApiTags('permits')
@ApiBearerAuth()
@Controller('enterprises/:id')
export class PermitSettingsController {
  constructor(private readonly settings: PermitSettingsService) {}

  @Get('permit-settings')
  @ApiOperation({
    summary: 'Permit settings of an enterprise: holidays, night hours, approval chains (defaults when never saved)',
  })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.settings.get(actor, id);
  }

  @Put('permit-settings')
  @Roles(Role.EnterpriseAdmin, Role.PlatformAdmin)
  @ApiOperation({ summary: 'Replace the permit settings of an enterprise' })
  put(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: PermitSettingsDto) {
    return this.settings.put(actor, id, dto);
  }

  @Get('permit-positions')
  @ApiOperation({ summary: 'Enterprise users and the signing positions they hold' })
  listPositions(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Query() q: PaginationQueryDto) {
    return this.settings.listPositions(actor, id, q);
  }

  @Put('permit-positions/:userId')
  @Roles(Role.EnterpriseAdmin, Role.PlatformAdmin)
  @ApiOperation({
    summary: 'Set the signing positions (unit_head, safety_department, principal) of an enterprise user',
  })
  setPositions(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() dto: UserPositionsDto,
  ) {
    return this.settings.setPositions(actor, id, userId, dto);
  }
}
