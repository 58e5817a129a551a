import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { HazardsModule } from '../hazards/hazards.module';
import { MachinesModule } from '../machines/machines.module';
import { UsersModule } from '../users/users.module';
import { EnforcementCase } from './case.entity';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { EnforcementStatisticsRepository } from './enforcement-statistics.repository';

/** 立案与处罚 (issue 15 §3). AccessPolicy, Clock, AuditService and FieldCipher are global. */
@Module({
  imports: [EnterprisesModule, HazardsModule, MachinesModule, UsersModule, TypeOrmModule.forFeature([EnforcementCase])],
  controllers: [CasesController],
  providers: [CasesService, CasesRepository, EnforcementStatisticsRepository],
})
export class CasesModule {}
