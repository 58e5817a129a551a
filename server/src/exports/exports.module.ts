import { Module } from '@nestjs/common';
import { QueryExportService } from './query-export.service';

/**
 * Streamed .xlsx exports (ledgers, alerts): one provider per process, so that MAX_CONCURRENT_EXPORTS
 * bounds every export of the process together, whichever feature asks.
 */
@Module({
  providers: [QueryExportService],
  exports: [QueryExportService],
})
export class ExportsModule {}
