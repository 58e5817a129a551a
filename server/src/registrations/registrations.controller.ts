import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import { ApplicationView, ListApplicationsQueryDto, RejectApplicationDto } from './dto/registration.dto';
import { RegistrationsService } from './registrations.service';

/** The review of self-registrations: the regulators of the enterprise's township (or above) and platform admins. */
@ApiTags('enterprise-registrations')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('enterprise-registrations')
export class RegistrationsController {
  constructor(private readonly registrations: RegistrationsService) {}

  @Get()
  @ApiOperation({ summary: 'Applications of your region, oldest first (pending unless a status is given)' })
  @ApiPaginatedResponse(ApplicationView)
  list(@CurrentActor() actor: Actor, @Query() q: ListApplicationsQueryDto): Promise<Paginated<ApplicationView>> {
    return this.registrations.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One application (phones masked)' })
  @ApiOkResponse({ type: ApplicationView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<ApplicationView> {
    return this.registrations.get(actor, id);
  }

  @Get(':id/licence')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'The business licence photo of an application' })
  async licence(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<StreamableFile> {
    const p = await this.registrations.licence(actor, id);
    return new StreamableFile(p.data, { type: p.contentType, length: p.sizeBytes, disposition: 'inline' });
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve: creates the enterprise and its admin account' })
  @ApiOkResponse({ type: ApplicationView })
  approve(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<ApplicationView> {
    return this.registrations.approve(actor, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject with a reason the applicant sees' })
  @ApiOkResponse({ type: ApplicationView })
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: RejectApplicationDto,
  ): Promise<ApplicationView> {
    return this.registrations.reject(actor, id, dto);
  }
}
