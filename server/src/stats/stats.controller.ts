import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { AlertView } from '../alerts/alert.view';
import { CurrentActor, Roles } from '../access/decorators';
import { Paginated } from '../common/http/pagination';
import { XLSX_MIME, xlsxStreamDownload } from '../common/http/xlsx-files';
import { Role } from '../common/roles/role';
import { OffPlatformFilterDto, OffPlatformQueryDto } from './dto/off-platform-query.dto';
import { OverviewView } from './dto/overview.view';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @ApiOperation({
    summary:
      'Census (摸清底数) of your scope: enterprises, machines, welders, permits today, open alerts, by township and a 30-day trend',
  })
  @ApiOkResponse({ type: OverviewView })
  overview(@CurrentActor() actor: Actor): Promise<OverviewView> {
    return this.stats.overview(actor);
  }

  @Get('off-platform')
  @ApiOperation({
    summary:
      'Unregistered or uncertified operation: alerts of unregistered devices, arcs without grant, unlicensed attempts and activity at suspended enterprises',
  })
  offPlatform(@CurrentActor() actor: Actor, @Query() q: OffPlatformQueryDto): Promise<Paginated<AlertView>> {
    return this.stats.offPlatform(actor, q);
  }

  @Get('off-platform/export.xlsx')
  @ApiOperation({
    summary:
      'The unregistered/uncertified operation report as .xlsx (same filters, every alert, newest first; audited)',
    description:
      "Streamed (chunked) from one database snapshot, the first bytes after the first 1,000 rows; no row limit but the sheet's (1,048,575). At most two exports run at once per server; more wait their turn.",
  })
  @ApiProduces(XLSX_MIME)
  async exportOffPlatform(@CurrentActor() actor: Actor, @Query() q: OffPlatformFilterDto) {
    const file = await this.stats.exportOffPlatform(actor, q);
    return xlsxStreamDownload(file.stream, file.asciiName, file.chineseName);
  }
}
