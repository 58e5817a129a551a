import { Module } from '@nestjs/common';
import { PublicScanThrottlerGuard } from './public-scan-throttler.guard';
import { PublicScanController } from './public-scan.controller';
import { PublicScanRepository } from './public-scan.repository';
import { PublicScanService } from './public-scan.service';

/** Endpoints for people without an account. CodesService and CodesRepository come from the global CodesModule. */
@Module({
  controllers: [PublicScanController],
  providers: [PublicScanService, PublicScanRepository, PublicScanThrottlerGuard],
})
export class PublicModule {}
