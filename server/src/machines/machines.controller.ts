import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { ChangeMachineStatusDto } from './dto/change-machine-status.dto';
import { CreateMachineDto } from './dto/create-machine.dto';
import { ListMachinesQueryDto } from './dto/list-machines-query.dto';
import { UpdateMachineDto } from './dto/update-machine.dto';
import { MachineView } from './machine.view';
import { MachinesService } from './machines.service';

@ApiTags('machines')
@ApiBearerAuth()
@Controller('machines')
export class MachinesController {
  constructor(private readonly machines: MachinesService) {}

  @Post()
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Register a welding machine or gas set and issue its QR code (一机一码)' })
  @ApiCreatedResponse({ type: MachineView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateMachineDto) {
    return this.machines.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Machines of the enterprises you may see' })
  @ApiPaginatedResponse(MachineView)
  list(@CurrentActor() actor: Actor, @Query() query: ListMachinesQueryDto) {
    return this.machines.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One machine with its owner and active QR code' })
  @ApiOkResponse({ type: MachineView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.machines.get(actor, id);
  }

  @Patch(':id')
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: "Edit a machine's descriptive fields (owning enterprise or platform admin)" })
  @ApiOkResponse({ type: MachineView })
  update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: UpdateMachineDto) {
    return this.machines.update(actor, id, dto);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary: 'Activate, suspend or retire (淘汰) a machine; retiring revokes its code and unbinds its chip',
  })
  @ApiOkResponse({ type: MachineView })
  changeStatus(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() dto: ChangeMachineStatusDto,
  ) {
    return this.machines.changeStatus(actor, id, dto);
  }
}
