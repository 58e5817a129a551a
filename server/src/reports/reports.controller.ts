import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { ListReportsQueryDto, TransitionReportDto } from './dto/report.dto';
import { ReportDetailView, ReportSummaryView } from './report.view';
import { ReportsService } from './reports.service';

/** Reports are for regulators (and platform admins) only: enterprises never learn who reported them. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({ summary: 'Public reports in your region, plus those nobody could place; newest first' })
  @ApiPaginatedResponse(ReportSummaryView)
  list(@CurrentActor() actor: Actor, @Query() q: ListReportsQueryDto): Promise<Paginated<unknown>> {
    return this.reports.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One report with its photos (metadata), handling trail and next allowed statuses' })
  @ApiOkResponse({ type: ReportDetailView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<ReportDetailView> {
    return this.reports.get(actor, id);
  }

  @Get(':id/photos/:photoId')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'A photo of a report' })
  async photo(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Param('photoId', uuidParam('photoId')) photoId: string,
  ): Promise<StreamableFile> {
    const p = await this.reports.photo(actor, id, photoId);
    return new StreamableFile(p.data, { type: p.contentType, length: p.sizeBytes, disposition: 'inline' });
  }

  @Post(':id/transition')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move a report along received → verifying → verified (查实, reward due) | rejected → closed (销号, needs a note)',
  })
  @ApiOkResponse({ type: ReportDetailView })
  transition(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: TransitionReportDto,
  ): Promise<ReportDetailView> {
    return this.reports.transition(actor, id, dto);
  }
}
