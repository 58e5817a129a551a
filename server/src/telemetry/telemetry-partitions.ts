import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';

const DAY_MS = 86_400_000;

/** Monthly partitions of device_events: the current and the next month always exist. */
@Injectable()
export class TelemetryPartitions implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryPartitions');
  private readonly worker = new PeriodicWorker({
    what: 'partition upkeep',
    everyMs: DAY_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: () => this.ensure(),
  });

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onModuleInit(): void {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    void this.worker.runNow();
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  async ensure(): Promise<void> {
    const now = this.clock.now();
    for (let i = 0; i <= 1; i++) {
      const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
      const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i + 1, 1));
      const name = `device_events_${from.getUTCFullYear()}${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
      try {
        await this.ds.query(
          `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF device_events FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
      } catch (e) {
        // Rows of that month already sit in the DEFAULT partition: they stay there, which is still correct.
        this.logger.warn(`partition ${name} not created: ${(e as Error).message}`);
      }
    }
  }
}
