import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Region } from './region.entity';
import { RegionsController } from './regions.controller';
import { REGION_LOOKUP } from './region-lookup';
import { RegionsRepository } from './regions.repository';
import { RegionsService } from './regions.service';

@Module({
  imports: [TypeOrmModule.forFeature([Region])],
  controllers: [RegionsController],
  providers: [RegionsService, RegionsRepository, { provide: REGION_LOOKUP, useExisting: RegionsRepository }],
  exports: [RegionsService, REGION_LOOKUP],
})
export class RegionsModule {}
