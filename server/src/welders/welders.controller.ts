import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { CreateWelderDto } from './dto/create-welder.dto';
import { IdParamDto } from './dto/id-param.dto';
import { ListWeldersQueryDto } from './dto/list-welders-query.dto';
import { UpdateWelderDto } from './dto/update-welder.dto';
import { WelderDetailView, WelderView } from './welder-views';
import { WeldersService } from './welders.service';

@ApiTags('welders')
@ApiBearerAuth()
@Controller('welders')
export class WeldersController {
  constructor(private readonly welders: WeldersService) {}

  @Post()
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Register a welder (ID number and phone stored encrypted) and issue its QR code' })
  @ApiCreatedResponse({ type: WelderView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateWelderDto) {
    return this.welders.create(actor, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'Welders you may see: employed by or engaged to your enterprise, in your region, or yourself',
  })
  @ApiPaginatedResponse(WelderView)
  list(@CurrentActor() actor: Actor, @Query() query: ListWeldersQueryDto) {
    return this.welders.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One welder with engagements, certificates, training and the active QR code' })
  @ApiOkResponse({ type: WelderDetailView })
  get(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return this.welders.get(actor, p.id);
  }

  @Patch(':id')
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Change name, phone or status (employer only)' })
  @ApiOkResponse({ type: WelderView })
  update(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: UpdateWelderDto) {
    return this.welders.update(actor, p.id, dto);
  }
}
