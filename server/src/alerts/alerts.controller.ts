import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { xlsxStreamDownload, XLSX_MIME } from '../common/http/xlsx-files';
import type { Request, Response } from 'express';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { CurrentSessionId, StreamTicketAuth } from '../auth/session.decorators';
import { StreamTicketDto } from '../auth/dto/login.dto';
import { SessionService } from '../auth/sessions/session.service';
import { AlertStream } from './alert-stream';
import { AlertSummary } from './alert-summary';
import { AlertView } from './alert.view';
import { AlertsService } from './alerts.service';
import { AcknowledgeAlertDto, AlertIdParam, CloseAlertDto, MarkAlertsSeenDto } from './dto/alert-actions.dto';
import { AlertPeriodQueryDto, ListAlertsQueryDto, UnseenAlertsView } from './dto/list-alerts.query';
import { NoQueryDto } from '../common/http/no-query.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly stream: AlertStream,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Alerts the caller may see, newest activity first' })
  list(@CurrentActor() actor: Actor, @Query() q: ListAlertsQueryDto): Promise<Paginated<AlertView>> {
    return this.alerts.list(actor, q);
  }

  @Get('summary')
  @ApiOperation({ summary: 'Alert counts by state × severity and by type (scoped; regulator overview)' })
  @ApiOkResponse({ type: AlertSummary })
  summary(@CurrentActor() actor: Actor, @Query() q: AlertPeriodQueryDto): Promise<AlertSummary> {
    return this.alerts.summary(actor, q);
  }

  @Get('export.xlsx')
  @ApiOperation({
    summary: 'Export the alerts of the same filters as GET /api/alerts (every row, not one page; audited)',
    description:
      'page and pageSize are ignored. Streamed as it is read (chunked, no Content-Length); audited when the download ends.',
  })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse({ content: { [XLSX_MIME]: { schema: { type: 'string', format: 'binary' } } } })
  async export(@CurrentActor() actor: Actor, @Query() q: ListAlertsQueryDto): Promise<StreamableFile> {
    const file = await this.alerts.export(actor, q);
    return xlsxStreamDownload(file.stream, file.asciiName, file.chineseName);
  }

  @Get('unseen')
  @ApiOperation({ summary: 'Open alerts raised or repeated since this user last opened the alert list (menu badge)' })
  @ApiOkResponse({ type: UnseenAlertsView })
  unseen(@CurrentActor() actor: Actor): Promise<UnseenAlertsView> {
    return this.alerts.unseen(actor);
  }

  @Post('seen')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Marks the alerts up to an instant as seen by this user (the alert list was shown); the badge's count after it",
  })
  @ApiOkResponse({ type: UnseenAlertsView })
  markSeen(@CurrentActor() actor: Actor, @Body() dto: MarkAlertsSeenDto): Promise<UnseenAlertsView> {
    return this.alerts.markSeen(actor, new Date(dto.upTo));
  }

  @Post('stream-ticket')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A one-time ticket (valid 30 s) to open the live stream with: EventSource cannot send headers, and no token goes in a URL',
  })
  @ApiOkResponse({ type: StreamTicketDto })
  streamTicket(@CurrentSessionId() sid: string, @Query() _none: NoQueryDto): Promise<StreamTicketDto> {
    return this.sessions.issueStreamTicket(sid);
  }

  @Get('stream')
  @StreamTicketAuth()
  @ApiOperation({
    summary:
      'Live alerts as Server-Sent Events (event "alert" = alert view; "resync" = reload); EventSource passes ?ticket= from POST /api/alerts/stream-ticket',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({
    name: 'ticket',
    required: false,
    description: 'One-time stream ticket, for EventSource which cannot set headers (a bearer header works too)',
  })
  open(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): void {
    this.stream.open(actor, req, res);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert' })
  @ApiOkResponse({ type: AlertView })
  get(@CurrentActor() actor: Actor, @Param() p: AlertIdParam): Promise<AlertView> {
    return this.alerts.get(actor, p.id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge an open alert (enterprise users for their own, regulators of the region, admins)',
  })
  @ApiOkResponse({ type: AlertView })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param() p: AlertIdParam,
    @Body() dto: AcknowledgeAlertDto,
  ): Promise<AlertView> {
    return this.alerts.acknowledge(actor, p.id, dto.note);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close an alert with a note (regulators of the region, admins); final' })
  @ApiOkResponse({ type: AlertView })
  close(@CurrentActor() actor: Actor, @Param() p: AlertIdParam, @Body() dto: CloseAlertDto): Promise<AlertView> {
    return this.alerts.close(actor, p.id, dto.note);
  }
}
