import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { PeriodicWorker } from '../../common/scheduling/periodic-worker';
import { DUTY_FACTOR, RefreshSchedule } from '../../common/scheduling/refresh-schedule';
import { addDays, chinaDate, chinaDayStart } from '../../common/time/china-date';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { runsApi } from '../../config/server-role';
import { CensusRefresh, CensusRepository } from './census.repository';
import { StartupWork } from '../../common/scheduling/startup-work';

/** REPORTING_CENSUS_REFRESH_S when the config does not say: a regulator's census is at most this old (0: no census). */
export const DEFAULT_CENSUS_REFRESH_S = 60;
/** Days of the overview's trend (stats.service.ts TREND_DAYS); the census holds those before today. */
export const CENSUS_DAYS = 30;

/**
 * Rewrites the pre-aggregated census (census.repository.ts) every REPORTING_CENSUS_REFRESH_S (stretched
 * by RefreshSchedule when a count is slow), and once at start-up. Runs where the API runs (SERVER_ROLE api
 * or all); replicas share one census through the database, and an advisory lock plus the census's age
 * let one of them count per interval.
 */
@Injectable()
export class CensusRefreshJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CensusRefresh');
  readonly schedule: RefreshSchedule;
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly repo: CensusRepository,
    private readonly clock: Clock,
    private readonly startup: StartupWork,
    @Optional() @Inject(APP_CONFIG) private readonly config: AppConfig | null = null,
  ) {
    this.schedule = new RefreshSchedule((config?.reporting?.censusRefreshS ?? DEFAULT_CENSUS_REFRESH_S) * 1000);
    this.worker = new PeriodicWorker({
      what: 'census refresh',
      everyMs: this.schedule.everyMs || 60_000,
      logger: this.logger,
      failureLevel: 'warn',
      run: () => this.refresh(),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.schedule.enabled || !runsApi(this.config ?? {})) return;
    this.startup.track('census', this.worker.runNow());
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /**
   * One refresh now unless the census is fresh enough (`force`: regardless, after waiting for a count in
   * progress). Null when skipped (fresh, or another replica is counting). Rejects on failure; the timer's
   * runs log it instead.
   */
  async refresh(force = false): Promise<CensusRefresh | null> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const from = addDays(today, -(CENSUS_DAYS - 1));
    const minAgeMs = force ? 0 : this.schedule.minAgeMs(await this.repo.lastRefresh());
    const done = await this.repo.refresh(
      now,
      today,
      { from, to: today, fromInstant: chinaDayStart(from), toInstant: chinaDayStart(today) },
      minAgeMs,
      force,
    );
    if (done && this.schedule.isSlow(done))
      this.logger.log(`census counted in ${done.tookMs} ms; the next one waits ${DUTY_FACTOR}× that`);
    return done;
  }

  /** The census to read, or null when there is none or it is too old to trust (the job has been failing). */
  async usable(): Promise<CensusRefresh | null> {
    if (!this.schedule.enabled) return null;
    const last = await this.repo.lastRefresh();
    return last && this.schedule.trusted(last, this.clock.now()) ? last : null;
  }
}
