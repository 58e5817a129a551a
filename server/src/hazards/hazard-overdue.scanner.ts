import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { runsApi } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AlertSeverity, AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { HazardLevel, overdueAlertKey } from './hazard-rules';
import { HazardsRepository } from './hazards.repository';
import { StartupWork } from '../common/scheduling/startup-work';

const SCAN_INTERVAL_MS = 10 * 60_000;
/** Any constant works; it keeps replicas from scanning at the same time. */
const SCAN_LOCK = 727_215;

/**
 * Raises HAZARD_OVERDUE once per hazard and deadline when an ordered rectification passes its deadline
 * (a new deadline after a send-back can raise again). Critical for a major hazard. The alert closes
 * when the enterprise reports its rectification.
 */
@Injectable()
export class HazardOverdueScanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(HazardOverdueScanner.name);
  private readonly worker = new PeriodicWorker({
    what: 'hazard overdue scan',
    everyMs: SCAN_INTERVAL_MS,
    logger: this.log,
    run: () => this.scanAndReport(),
  });

  constructor(
    private readonly ds: DataSource,
    private readonly hazards: HazardsRepository,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly startup: StartupWork,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsApi(this.roleConfig ?? {})) return;
    this.startup.track('hazard overdue scan', this.worker.runNow());
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Returns how many alerts were raised. */
  async scan(now: Date = this.clock.now()): Promise<number> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SCAN_LOCK]);
      if (!locked) return 0;
      try {
        let raised = 0;
        for (const h of await this.hazards.findOverdueUnalerted(now)) {
          const deadline = h.deadline!;
          const claimed = await this.ds.transaction(async (em) => {
            if (!(await this.hazards.claimOverdueAlert(em, h.id, deadline))) return false;
            await this.alerts.raise(
              {
                type: AlertType.HAZARD_OVERDUE,
                severity: h.level === HazardLevel.Major ? AlertSeverity.Critical : AlertSeverity.Warning,
                enterpriseId: h.enterpriseId,
                machineId: h.machineId,
                welderId: h.welderId,
                permitId: h.permitId,
                dedupeKey: overdueAlertKey(h.id, deadline),
                occurredAt: now,
                evidence: {
                  hazardId: h.id,
                  category: h.category,
                  level: h.level,
                  deadline: deadline.toISOString(),
                  daysOverdue: Math.floor((now.getTime() - deadline.getTime()) / 86_400_000),
                },
              },
              em,
            );
            return true;
          });
          if (claimed) raised++;
        }
        return raised;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SCAN_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async scanAndReport(): Promise<void> {
    const n = await this.scan();
    if (n) this.log.log(`hazard scan: ${n} overdue alert(s) raised`);
  }
}
