import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { DUTY_FACTOR, RefreshSchedule } from '../common/scheduling/refresh-schedule';
import { addDays, chinaDate, chinaDayStart } from '../common/time/china-date';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { runsApi } from '../config/server-role';
import { AUDIT_DEFAULT_DAYS, REPORT_LOOKBACK_DAYS } from './off-platform-rules';
import { AuditWindow, OffPlatformRepository, SignalRefresh } from './off-platform.repository';
import { StartupWork } from '../common/scheduling/startup-work';

/** OFF_PLATFORM_RANKING_REFRESH_S when the config does not say (0: the ranking is counted for every page). */
export const DEFAULT_RANKING_REFRESH_S = 300;

/** The audit window of `days` China days ending today (as OffPlatformService.window). */
export function auditWindow(now: Date, days: number): AuditWindow {
  const today = chinaDate(now);
  const fromDay = addDays(today, -(days - 1));
  return {
    now,
    today,
    days,
    from: chinaDayStart(fromDay),
    fromDay,
    reportsFrom: chinaDayStart(addDays(today, -(REPORT_LOOKBACK_DAYS - 1))),
  };
}

/**
 * Counts the off-platform ranking's signals of every enterprise for the default look-back every
 * OFF_PLATFORM_RANKING_REFRESH_S (and once at start-up), where the API runs. The ranking's pages then
 * read them; another look-back is counted for its request. Replicas share the counts through the
 * database; an advisory lock and the counts' age let one of them count per interval.
 */
@Injectable()
export class RankingSignalsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RankingSignals');
  readonly schedule: RefreshSchedule;
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly repo: OffPlatformRepository,
    private readonly clock: Clock,
    private readonly startup: StartupWork,
    @Optional() @Inject(APP_CONFIG) private readonly config: AppConfig | null = null,
  ) {
    this.schedule = new RefreshSchedule((config?.offPlatformRankingRefreshS ?? DEFAULT_RANKING_REFRESH_S) * 1000);
    this.worker = new PeriodicWorker({
      what: 'ranking signals',
      everyMs: this.schedule.everyMs || 60_000,
      logger: this.logger,
      failureLevel: 'warn',
      run: () => this.refresh(),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.schedule.enabled || !runsApi(this.config ?? {})) return;
    this.startup.track('ranking signals', this.worker.runNow());
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** One count now unless the stored one is fresh enough (`force`: regardless, after one in progress). */
  async refresh(force = false): Promise<SignalRefresh | null> {
    const minAgeMs = force ? 0 : this.schedule.minAgeMs(await this.repo.lastSignalRefresh());
    const done = await this.repo.refreshSignals(auditWindow(this.clock.now(), AUDIT_DEFAULT_DAYS), minAgeMs, force);
    if (done && this.schedule.isSlow(done))
      this.logger.log(`ranking signals counted in ${done.tookMs} ms; the next count waits ${DUTY_FACTOR}× that`);
    return done;
  }

  /** The stored counts for a ranking over `days`, or null: none, another look-back, or too old to trust. */
  async usable(days: number): Promise<SignalRefresh | null> {
    if (!this.schedule.enabled) return null;
    const last = await this.repo.lastSignalRefresh();
    return last && last.days === days && this.schedule.trusted(last, this.clock.now()) ? last : null;
  }
}
