import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { runsApi } from '../config/server-role';
import { LoginAttemptsRepository } from './login-attempts.repository';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** LOGIN_HISTORY_RETENTION_DAYS when the config does not say. */
export const DEFAULT_LOGIN_HISTORY_RETENTION_DAYS = 180;
/** Rows per DELETE: a backlog (the first run on an old database) goes in short statements, not one long lock. */
const BATCH = 10_000;

/**
 * Log-in attempts hold addresses and user agents (personal data) and grow with every log-in: kept for the
 * retention period (the users' history reads them, lockouts look back 15 minutes), then deleted, hourly.
 * Replicas may all run it: deleting the same old rows twice deletes nothing the second time.
 */
@Injectable()
export class LoginHistoryRetentionJob implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LoginHistoryRetention');
  private readonly worker = new PeriodicWorker({
    what: 'log-in history retention',
    everyMs: HOUR_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: async () => void (await this.deleteExpired()),
  });
  private readonly retentionDays: number;

  constructor(
    private readonly attempts: LoginAttemptsRepository,
    private readonly clock: Clock,
    @Optional() @Inject(APP_CONFIG) private readonly config: AppConfig | null = null,
  ) {
    this.retentionDays = config?.loginHistoryRetentionDays ?? DEFAULT_LOGIN_HISTORY_RETENTION_DAYS;
  }

  onModuleInit(): void {
    if (!runsApi(this.config ?? {})) return;
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Deletes every attempt older than the retention period; the number deleted. */
  async deleteExpired(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    let deleted = 0;
    for (let n = BATCH; n === BATCH; deleted += n) n = await this.attempts.deleteOlderThan(before, BATCH);
    if (deleted) this.logger.log(`deleted ${deleted} log-in attempts older than ${this.retentionDays} days`);
    return deleted;
  }
}
