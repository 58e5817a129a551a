import { Module } from '@nestjs/common';
import { DeviceCoreModule } from '../device-core/device-core.module';
import { PermitsModule } from '../permits/permits.module';
import { GrantLookup } from './grant-lookup';
import { TelemetryIngest } from './telemetry-ingest';
import { TelemetryPartitions } from './telemetry-partitions';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryRules } from './telemetry-rules';

/** Device telemetry: batched exactly-once storage, acks and the alert rules on new events. */
@Module({
  imports: [DeviceCoreModule, PermitsModule],
  providers: [TelemetryIngest, TelemetryRepository, TelemetryRules, GrantLookup, TelemetryPartitions],
  exports: [TelemetryIngest],
})
export class TelemetryModule {}
