import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module';
import { EnterprisesController } from './enterprises.controller';
import { EnterprisesRepository } from './enterprises.repository';
import { EnterprisesService } from './enterprises.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Enterprise } from './enterprise.entity';
import { ENTERPRISE_LOOKUP, EnterpriseTableLookup } from './enterprise-lookup';

@Module({
  imports: [TypeOrmModule.forFeature([Enterprise]), RegionsModule],
  controllers: [EnterprisesController],
  providers: [
    EnterprisesService,
    EnterprisesRepository,
    EnterpriseTableLookup,
    { provide: ENTERPRISE_LOOKUP, useExisting: EnterpriseTableLookup },
  ],
  exports: [EnterprisesService, ENTERPRISE_LOOKUP],
})
export class EnterprisesModule {}
