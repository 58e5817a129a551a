import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import {
  CreateEndpointDto,
  DeliveryView,
  EndpointView,
  IdParam,
  ListDeliveriesQueryDto,
  ListNotificationsQueryDto,
  NotificationRuleView,
  NotificationView,
  UnreadCountView,
  UpdateNotificationRuleDto,
} from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';
import { NoQueryDto } from '../common/http/no-query.dto';

const CONSOLE_ROLES = [Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager];

@ApiTags('notifications')
@ApiBearerAuth()
@Roles(...CONSOLE_ROLES)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's own in-app notifications (the bell), newest first" })
  @ApiPaginatedResponse(NotificationView)
  list(@CurrentActor() actor: Actor, @Query() q: ListNotificationsQueryDto): Promise<Paginated<NotificationView>> {
    return this.notifications.list(actor, q);
  }

  @Get('unread-count')
  @ApiOperation({ summary: "Unread count of the caller's own notifications (the bell's badge)" })
  @ApiOkResponse({ type: UnreadCountView })
  unread(@CurrentActor() actor: Actor): Promise<UnreadCountView> {
    return this.notifications.unread(actor);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: "Marks all of the caller's notifications read" })
  @ApiOkResponse({ type: UnreadCountView })
  readAll(@CurrentActor() actor: Actor, @Query() _none: NoQueryDto): Promise<UnreadCountView> {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: "Marks one of the caller's notifications read (another user's: 404)" })
  @ApiOkResponse({ type: UnreadCountView })
  read(@CurrentActor() actor: Actor, @Param() p: IdParam): Promise<UnreadCountView> {
    return this.notifications.markRead(actor, p.id);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notification-rules')
export class NotificationRulesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: 'Routing rules per alert type and severity: levels, escalation, quiet hours' })
  @ApiOkResponse({ type: NotificationRuleView, isArray: true })
  list(): Promise<NotificationRuleView[]> {
    return this.notifications.rules();
  }

  @Put(':id')
  @Roles(Role.PlatformAdmin)
  @ApiOperation({ summary: 'Changes a routing rule (platform admin; audited). Critical alerts have no quiet hours.' })
  @ApiOkResponse({ type: NotificationRuleView })
  update(
    @CurrentActor() actor: Actor,
    @Param() p: IdParam,
    @Body() dto: UpdateNotificationRuleDto,
  ): Promise<NotificationRuleView> {
    return this.notifications.updateRule(actor, p.id, dto);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notification-deliveries')
export class NotificationDeliveriesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: "Delivery log (platform admin: all; regulator: its region's), newest first" })
  @ApiPaginatedResponse(DeliveryView)
  list(@CurrentActor() actor: Actor, @Query() q: ListDeliveriesQueryDto): Promise<Paginated<DeliveryView>> {
    return this.notifications.deliveries(actor, q);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Roles(...CONSOLE_ROLES)
@Controller('notification-endpoints')
export class NotificationEndpointsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary:
      "Where the caller is told: their own phone and e-mail, and their enterprise's or region's robots as their role allows",
  })
  @ApiOkResponse({ type: EndpointView, isArray: true })
  list(@CurrentActor() actor: Actor): Promise<EndpointView[]> {
    return this.notifications.endpoints(actor);
  }

  @Post()
  @ApiOperation({
    summary:
      'Adds a phone or e-mail (scope user), or a group robot of the enterprise (enterprise admin) or region (regulator); audited',
  })
  @ApiOkResponse({ type: EndpointView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateEndpointDto): Promise<EndpointView> {
    return this.notifications.createEndpoint(actor, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Removes one of the endpoints the caller manages (audited)' })
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: Actor, @Param() p: IdParam): Promise<void> {
    return this.notifications.deleteEndpoint(actor, p.id);
  }
}
