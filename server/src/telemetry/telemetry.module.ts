import { Module } from '@nestjs/common';
import { DeviceCoreModule } from '../device-core/device-core.module';
import { PermitsModule } from '../permits/permits.module';
import { EVENT_ARCHIVER_PROVIDER, EventArchiveJob } from './archive/event-archive.job';
import { GrantLookup } from './grant-lookup';
import { TelemetryIngest } from './telemetry-ingest';
import { TelemetryPartitions } from './telemetry-partitions';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryRules } from './telemetry-rules';

/** Device telemetry: batched exactly-once storage, acks, the alert rules on new events, and retention of raw events. */
@Module({
  imports: [DeviceCoreModule, PermitsModule],
  providers: [
    TelemetryIngest,
    TelemetryRepository,
    TelemetryRules,
    GrantLookup,
    TelemetryPartitions,
    EVENT_ARCHIVER_PROVIDER,
    EventArchiveJob,
  ],
  exports: [TelemetryIngest],
})
export class TelemetryModule {}
