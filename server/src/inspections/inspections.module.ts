import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { HazardsModule } from '../hazards/hazards.module';
import { PublicModule } from '../public/public.module';
import { RegionsModule } from '../regions/regions.module';
import { UsersModule } from '../users/users.module';
import { InspectionPlan, InspectionTarget } from './inspection.entity';
import { InspectionsController, PublicInspectionsController } from './inspections.controller';
import { InspectionsRepository } from './inspections.repository';
import { InspectionsService } from './inspections.service';
import { InspectionRecord, InspectionScan, UnregisteredMachineFinding } from './onsite.entity';
import { OnSiteController } from './onsite.controller';
import { OnSiteRepository } from './onsite.repository';
import { OnSiteService } from './onsite.service';

/** 执法检查 (issue 15 §2): 双随机 plans, their publication and the 五现场 on-site record. AuditService and Clock are global. */
@Module({
  imports: [
    EnterprisesModule,
    HazardsModule,
    PublicModule,
    RegionsModule,
    UsersModule,
    TypeOrmModule.forFeature([
      InspectionPlan,
      InspectionTarget,
      InspectionRecord,
      InspectionScan,
      UnregisteredMachineFinding,
    ]),
  ],
  controllers: [InspectionsController, PublicInspectionsController, OnSiteController],
  providers: [InspectionsService, InspectionsRepository, OnSiteService, OnSiteRepository],
  exports: [InspectionsService, OnSiteService],
})
export class InspectionsModule {}
