import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicWorker } from '../../common/scheduling/periodic-worker';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { OnlineDaysRepository, RollUpResult } from './online-days.repository';
import { StartupWork } from '../../common/scheduling/startup-work';

/**
 * Freshness of the online days: a day heard shows in the off-platform lists at most one interval (plus
 * the run, tens of ms) after its event is stored. ONLINE_DAYS_ROLLUP_INTERVAL_S.
 */
export const DEFAULT_ROLLUP_INTERVAL_S = 30;
/**
 * How far before its watermark a run re-reads: longer than an event waits between being stamped
 * received_at and its flush committing (the event buffer's few seconds), plus the clock difference of
 * replicas. ONLINE_DAYS_ROLLUP_GRACE_S.
 */
export const DEFAULT_ROLLUP_GRACE_S = 60;

/**
 * Rolls device events up into machine_online_days every interval, and once at start-up (catching up
 * after downtime). Every replica runs it; an advisory lock lets one through per tick, and the upsert is
 * idempotent either way.
 */
@Injectable()
export class OnlineDaysRollupJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OnlineDaysRollup');
  private readonly graceMs: number;
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly repo: OnlineDaysRepository,
    private readonly startup: StartupWork,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.graceMs = (config.onlineDaysRollup?.graceS ?? DEFAULT_ROLLUP_GRACE_S) * 1000;
    this.worker = new PeriodicWorker({
      what: 'online days roll-up',
      everyMs: (config.onlineDaysRollup?.intervalS ?? DEFAULT_ROLLUP_INTERVAL_S) * 1000,
      logger: this.logger,
      failureLevel: 'warn',
      run: () => this.rollUp(),
    });
  }

  onApplicationBootstrap(): void {
    this.startup.track('online days roll-up', this.worker.runNow());
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** One roll-up now (tests, and the timer). Rejects on failure; the timer's runs log it instead. */
  rollUp(): Promise<RollUpResult> {
    return this.repo.rollUp(this.graceMs);
  }
}
