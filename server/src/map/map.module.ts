import { Module } from '@nestjs/common';
import { MapController } from './map.controller';
import { MapRepository } from './map.repository';
import { MapService } from './map.service';

/** The overview's map: tiles and boundaries of the deployment, and the scoped features to draw. */
@Module({
  controllers: [MapController],
  providers: [MapService, MapRepository],
})
export class MapModule {}
