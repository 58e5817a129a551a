import { Module } from '@nestjs/common';
import { PublicReportsController } from './public-reports.controller';
import { PublicReportThrottlerGuard, ReportStatusThrottlerGuard } from './report-throttler.guards';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** 一键举报. CodesService comes from the global CodesModule; FieldCipher, Clock and AuditService are global. */
@Module({
  controllers: [PublicReportsController, ReportsController],
  providers: [ReportsService, ReportsRepository, PublicReportThrottlerGuard, ReportStatusThrottlerGuard],
})
export class ReportsModule {}
