import { Module } from '@nestjs/common';
import { PublicReportsController } from './public-reports.controller';
import { PublicReportThrottlerGuard, ReportStatusThrottlerGuard } from './report-throttler.guards';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReportEvent } from './report-event.entity';
import { ReportPhoto } from './report-photo.entity';
import { Report } from './report.entity';
import { CodesModule } from '../codes/codes.module';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { MachinesModule } from '../machines/machines.module';
import { RegionsModule } from '../regions/regions.module';
import { REPORT_LOOKUP, ReportTableLookup } from './report-lookup';

/** 一键举报. FieldCipher, Clock and AuditService are global. */
@Module({
  imports: [
    EnterprisesModule,
    MachinesModule,
    RegionsModule,
    TypeOrmModule.forFeature([Report, ReportPhoto, ReportEvent]),
    CodesModule,
  ],
  controllers: [PublicReportsController, ReportsController],
  providers: [
    ReportsService,
    ReportsRepository,
    PublicReportThrottlerGuard,
    ReportStatusThrottlerGuard,
    { provide: REPORT_LOOKUP, useClass: ReportTableLookup },
  ],
  exports: [REPORT_LOOKUP, ReportStatusThrottlerGuard],
})
export class ReportsModule {}
