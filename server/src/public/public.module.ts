import { Module } from '@nestjs/common';
import { PublicScanThrottlerGuard } from './public-scan-throttler.guard';
import { PublicScanController } from './public-scan.controller';
import { PublicScanRepository } from './public-scan.repository';
import { PublicScanService } from './public-scan.service';
import { INSPECTOR_CODE_SCAN, InspectorScanAdapter } from './inspector-scan';
import { CodesModule } from '../codes/codes.module';
import { CodeManagementModule } from '../code-management/code-management.module';

/** Endpoints for people without an account. Codes are read through CodesService and the CodeSubjects port. */
@Module({
  imports: [CodesModule, CodeManagementModule],
  controllers: [PublicScanController],
  providers: [
    PublicScanService,
    PublicScanRepository,
    PublicScanThrottlerGuard,
    { provide: INSPECTOR_CODE_SCAN, useClass: InspectorScanAdapter },
  ],
  exports: [INSPECTOR_CODE_SCAN],
})
export class PublicModule {}
