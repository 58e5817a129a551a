import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../access/actor';
import { CurrentActor, Roles } from '../../access/decorators';
import { XLSX_MIME, xlsxDownload } from '../../common/http/xlsx-files';
import { Role } from '../../common/roles/role';
import { HazardStatisticsQueryDto } from './hazard-statistics.dto';
import { HazardStatisticsService } from './hazard-statistics.service';
import { HazardStatisticsView } from './hazard-statistics.view';

/** 隐患统计: regulators (their region) and platform admins. Registered before HazardsController (its /:id). */
@ApiTags('hazards')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller('hazards/statistics')
export class HazardStatisticsController {
  constructor(private readonly stats: HazardStatisticsService) {}

  @Get()
  @ApiOperation({
    summary:
      '隐患统计: by source, level, state, category; time to sign-off; township × industry × category (period, region, industry)',
  })
  @ApiOkResponse({ type: HazardStatisticsView })
  statistics(@CurrentActor() actor: Actor, @Query() q: HazardStatisticsQueryDto): Promise<HazardStatisticsView> {
    return this.stats.statistics(actor, q);
  }

  @Get('export.xlsx')
  @ApiOperation({ summary: 'The township × industry × category table as .xlsx (same filters)' })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse({ content: { [XLSX_MIME]: { schema: { type: 'string', format: 'binary' } } } })
  async export(@CurrentActor() actor: Actor, @Query() q: HazardStatisticsQueryDto): Promise<StreamableFile> {
    const file = await this.stats.export(actor, q);
    return xlsxDownload(file.buffer, file.asciiName, file.chineseName);
  }
}
