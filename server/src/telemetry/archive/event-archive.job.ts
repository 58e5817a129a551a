import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional, Provider } from '@nestjs/common';
import { runsApi } from '../../config/server-role';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock/clock';
import { PeriodicWorker } from '../../common/scheduling/periodic-worker';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DEFAULT_EVENT_RETENTION_MONTHS, EventArchiver } from './event-archiver';

const HOUR_MS = 3_600_000;

/** The archiver with the deployment's retention and directory (EVENT_RETENTION_MONTHS, EVENT_ARCHIVE_DIR). */
export const EVENT_ARCHIVER_PROVIDER: Provider = {
  provide: EventArchiver,
  inject: [DataSource, AuditService, Clock, APP_CONFIG],
  useFactory: (ds: DataSource, audit: AuditService, clock: Clock, config: AppConfig) =>
    new EventArchiver(ds, audit, clock, {
      dir: config.eventArchive?.dir ?? join(config.dataDir, 'archive', 'device-events'),
      retentionMonths: config.eventArchive?.retentionMonths ?? DEFAULT_EVENT_RETENTION_MONTHS,
    }),
};

/**
 * Archives and drops due months of device events, hourly (a run with nothing due is a few catalogue
 * queries). The first run comes an hour after start-up, never during it. Replicas may all run it: an
 * advisory lock lets one through at a time.
 */
@Injectable()
export class EventArchiveJob implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EventArchive');
  private readonly worker = new PeriodicWorker({
    what: 'device event archiving',
    everyMs: HOUR_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: () => this.run(),
  });

  constructor(
    @Inject(EventArchiver) private readonly archiver: EventArchiver,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onModuleInit(): void {
    if (!runsApi(this.roleConfig ?? {})) return;
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  private async run(): Promise<void> {
    for (const r of await this.archiver.runDue())
      if (r.outcome === 'archived')
        this.logger.log(`device events of ${r.month} archived to ${r.file} (${r.rows} rows) and dropped`);
  }
}
