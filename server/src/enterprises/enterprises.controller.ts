import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { ChangeEnterpriseStatusDto } from './dto/change-enterprise-status.dto';
import { CreateEnterpriseDto } from './dto/create-enterprise.dto';
import { ListEnterprisesQueryDto } from './dto/list-enterprises-query.dto';
import { UpdateEnterpriseDto } from './dto/update-enterprise.dto';
import { EnterpriseView } from './enterprise.view';
import { EnterprisesService } from './enterprises.service';

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('enterprises')
export class EnterprisesController {
  constructor(private readonly enterprises: EnterprisesService) {}

  @Post()
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: 'Register an enterprise (生产经营单位) in your jurisdiction' })
  @ApiCreatedResponse({ type: EnterpriseView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateEnterpriseDto) {
    return this.enterprises.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Enterprises you may see, with machine and welder counts' })
  @ApiPaginatedResponse(EnterpriseView)
  list(@CurrentActor() actor: Actor, @Query() query: ListEnterprisesQueryDto) {
    return this.enterprises.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One enterprise (phones masked)' })
  @ApiOkResponse({ type: EnterpriseView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.enterprises.get(actor, id);
  }

  @Patch(':id')
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin)
  @ApiOperation({
    summary: 'Edit an enterprise profile (own admin or platform admin; region and USCC platform admin only)',
  })
  @ApiOkResponse({ type: EnterpriseView })
  update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: UpdateEnterpriseDto) {
    return this.enterprises.update(actor, id, dto);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: 'Suspend, close or reactivate an enterprise (regulator of the subtree or platform admin)' })
  @ApiOkResponse({ type: EnterpriseView })
  changeStatus(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() dto: ChangeEnterpriseStatusDto,
  ) {
    return this.enterprises.changeStatus(actor, id, dto);
  }
}
