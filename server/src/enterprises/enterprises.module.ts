import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module';
import { EnterprisesController } from './enterprises.controller';
import { EnterprisesRepository } from './enterprises.repository';
import { EnterprisesService } from './enterprises.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Enterprise } from './enterprise.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Enterprise]), RegionsModule],
  controllers: [EnterprisesController],
  providers: [EnterprisesService, EnterprisesRepository],
  exports: [EnterprisesService, EnterprisesRepository],
})
export class EnterprisesModule {}
