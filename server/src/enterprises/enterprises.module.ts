import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module';
import { EnterprisesController } from './enterprises.controller';
import { EnterprisesRepository } from './enterprises.repository';
import { EnterprisesService } from './enterprises.service';

@Module({
  imports: [RegionsModule],
  controllers: [EnterprisesController],
  providers: [EnterprisesService, EnterprisesRepository],
  exports: [EnterprisesService, EnterprisesRepository],
})
export class EnterprisesModule {}
