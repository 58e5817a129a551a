import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { HazardsModule } from '../hazards/hazards.module';
import { InspectionsModule } from '../inspections/inspections.module';
import { MachinesModule } from '../machines/machines.module';
import { RegionsModule } from '../regions/regions.module';
import { UsersModule } from '../users/users.module';
import { EnforcementCase } from './case.entity';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { EnforcementStatisticsRepository } from './enforcement-statistics.repository';

/** 立案与处罚 (issue 15 §3). AccessPolicy, Clock, AuditService and FieldCipher are global. */
@Module({
  imports: [
    EnterprisesModule,
    HazardsModule,
    InspectionsModule,
    MachinesModule,
    RegionsModule,
    UsersModule,
    TypeOrmModule.forFeature([EnforcementCase]),
  ],
  controllers: [CasesController],
  providers: [CasesService, CasesRepository, EnforcementStatisticsRepository],
})
export class CasesModule {}
