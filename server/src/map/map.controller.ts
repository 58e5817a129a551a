import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Public, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { MapFeaturesView, MapSettingsView } from './dto/map.views';
import { MapService } from './map.service';

@ApiTags('map')
@Controller('map')
export class MapController {
  constructor(private readonly map: MapService) {}

  @Public()
  @Get('settings')
  @ApiOperation({
    summary:
      'The map configuration of this deployment: tile provider and its browser key (none: boundaries only), and whether region boundaries are configured. Public: the report form picks its location on the map',
  })
  @ApiOkResponse({ type: MapSettingsView })
  settings(): MapSettingsView {
    return this.map.settings();
  }

  @Public()
  @Get('boundaries')
  @Header('Cache-Control', 'public, max-age=3600')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({
    summary:
      'Region boundaries as a GeoJSON FeatureCollection (WGS-84; properties code, name, level; schematic = demo data, not official). Reference data, the same for everyone',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  boundaries(): string {
    return this.map.boundariesJson();
  }

  @Get('features')
  @ApiBearerAuth()
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary:
      "What the map shows in your scope: machines (chipped, online, arcing, best known position and its source), not-closed alerts and permits in force. A regulator sees the region's subtree, an enterprise user its own",
  })
  @ApiOkResponse({ type: MapFeaturesView })
  features(@CurrentActor() actor: Actor): Promise<MapFeaturesView> {
    return this.map.features(actor);
  }
}
