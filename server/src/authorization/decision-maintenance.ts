import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { AuthorizationRepository } from './authorization.repository';
import { NONCE_RETENTION_MS } from './decision-rules';

const MAINTENANCE_MS = 6 * 3_600_000;
/** Partitions are kept ready this many months ahead. */
const MONTHS_AHEAD = 2;

/** First day (UTC) of the month `offset` months after `at`'s month. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

export function partitionName(start: Date): string {
  return `decisions_${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Housekeeping off the hot path: monthly partitions of `decisions` created ahead of time (rows
 * landing in the default partition would block creating their month later), expired nonces deleted.
 * Both statements are idempotent, so every replica may run them.
 */
@Injectable()
export class DecisionMaintenance implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('DecisionMaintenance');
  private readonly worker = new PeriodicWorker({
    what: 'decision maintenance',
    everyMs: MAINTENANCE_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: () => this.run(),
  });

  constructor(
    private readonly ds: DataSource,
    private readonly repo: AuthorizationRepository,
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

  async run(): Promise<void> {
    const now = this.clock.now();
    for (let i = 0; i <= MONTHS_AHEAD; i++) {
      const start = monthStart(now, i);
      const end = monthStart(now, i + 1);
      await this.ds
        .query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(start)} PARTITION OF decisions FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
        )
        .catch((e: Error) => this.logger.warn(`partition ${partitionName(start)}: ${e.message}`));
    }
    await this.repo
      .deleteNoncesBefore(new Date(now.getTime() - NONCE_RETENTION_MS))
      .catch((e: Error) => this.logger.warn(`nonce cleanup: ${e.message}`));
  }
}
