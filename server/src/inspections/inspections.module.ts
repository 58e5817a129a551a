import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { RegionsModule } from '../regions/regions.module';
import { UsersModule } from '../users/users.module';
import { InspectionPlan, InspectionTarget } from './inspection.entity';
import { InspectionsController, PublicInspectionsController } from './inspections.controller';
import { InspectionsRepository } from './inspections.repository';
import { InspectionsService } from './inspections.service';

/** 执法检查 (issue 15 §2): 双随机 plans and their publication. AuditService and Clock are global. */
@Module({
  imports: [
    EnterprisesModule,
    RegionsModule,
    UsersModule,
    TypeOrmModule.forFeature([InspectionPlan, InspectionTarget]),
  ],
  controllers: [InspectionsController, PublicInspectionsController],
  providers: [InspectionsService, InspectionsRepository],
  exports: [InspectionsService],
})
export class InspectionsModule {}
