import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { MachinesModule } from '../machines/machines.module';
import { PermitsModule } from '../permits/permits.module';
import { RegionsModule } from '../regions/regions.module';
import { ReportsModule } from '../reports/reports.module';
import { UsersModule } from '../users/users.module';
import { WeldersModule } from '../welders/welders.module';
import { Hazard, HazardEvent, HazardMeasure, HazardPhoto } from './hazard.entity';
import { HazardOverdueScanner } from './hazard-overdue.scanner';
import { HazardsController } from './hazards.controller';
import { HazardsRepository } from './hazards.repository';
import { HazardsService } from './hazards.service';
import { INSPECTION_HAZARDS } from './inspection-hazards';
import { HazardStatisticsController } from './statistics/hazard-statistics.controller';
import { HazardStatisticsRepository } from './statistics/hazard-statistics.repository';
import { HazardStatisticsService } from './statistics/hazard-statistics.service';

/** 隐患台账 (issue 15 §1). AccessPolicy, Clock and AuditService are global. */
@Module({
  imports: [
    AlertsModule,
    EnterprisesModule,
    MachinesModule,
    PermitsModule,
    RegionsModule,
    ReportsModule,
    UsersModule,
    WeldersModule,
    TypeOrmModule.forFeature([Hazard, HazardEvent, HazardPhoto, HazardMeasure]),
  ],
  // Statistics first: its fixed paths must not be taken for a hazard's /:id.
  controllers: [HazardStatisticsController, HazardsController],
  providers: [
    HazardsService,
    HazardsRepository,
    HazardOverdueScanner,
    { provide: INSPECTION_HAZARDS, useExisting: HazardsService },
    HazardStatisticsService,
    HazardStatisticsRepository,
  ],
  exports: [HazardsService, INSPECTION_HAZARDS],
})
export class HazardsModule {}
