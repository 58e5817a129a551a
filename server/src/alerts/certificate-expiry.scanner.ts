import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { runsApi } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { addDays, chinaDate, daysBetween } from '../common/time/china-date';
import { AlertSeverity, AlertType } from './alert-type';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { StartupWork } from '../common/scheduling/startup-work';

/** Warning thresholds in days before expiry, widest first. */
export const EXPIRY_THRESHOLDS = [90, 60, 30, 7] as const;
export type ExpiryThreshold = (typeof EXPIRY_THRESHOLDS)[number];
export const EXPIRY_SEVERITY: Record<ExpiryThreshold, AlertSeverity> = {
  90: AlertSeverity.Info,
  60: AlertSeverity.Warning,
  30: AlertSeverity.Warning,
  7: AlertSeverity.Critical,
};
const SCAN_INTERVAL_MS = 3600_000;
/** Any constant works; it keeps replicas from scanning at the same time. */
const SCAN_LOCK = 727_101;

/** The tightest threshold a certificate with `daysLeft` has reached, or null when none yet. */
export function expiryThreshold(daysLeft: number): ExpiryThreshold | null {
  let hit: ExpiryThreshold | null = null;
  for (const t of EXPIRY_THRESHOLDS) if (daysLeft <= t) hit = t;
  return hit;
}

interface DueCertificate {
  id: string;
  welderId: string;
  employerId: string;
  subOperation: string;
  expiresOn: string;
}

/** An alert the scan would raise, unless one with its dedupe key was raised before. */
interface Candidate {
  dedupeKey: string;
  c: DueCertificate;
  type: AlertType;
  severity?: AlertSeverity;
  extra: Record<string, unknown>;
}

const DEDUPE_BATCH = 5_000;

export interface ScanResult {
  checked: number;
  raised: number;
}

/**
 * Raises CERTIFICATE_EXPIRING once per certificate and threshold (90, 60, 30, 7 days; only the
 * tightest one reached, so a certificate first seen 5 days out gets one alert, not four) and
 * CERTIFICATE_EXPIRED once. "Once" survives closing: a closed alert is not raised again.
 * Certificates already replaced by a later valid one of the same sub-operation are skipped.
 */
@Injectable()
export class CertificateExpiryScanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CertificateExpiryScanner.name);
  private readonly worker = new PeriodicWorker({
    what: 'certificate scan',
    everyMs: SCAN_INTERVAL_MS,
    logger: this.log,
    run: () => this.scanAndReport(),
  });

  constructor(
    private readonly ds: DataSource,
    private readonly alerts: AlertsService,
    private readonly repo: AlertsRepository,
    private readonly clock: Clock,
    private readonly startup: StartupWork,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsApi(this.roleConfig ?? {})) return;
    this.startup.track('certificate scan', this.worker.runNow());
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  async scan(now: Date = this.clock.now()): Promise<ScanResult> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SCAN_LOCK]);
      if (!locked) return { checked: 0, raised: 0 };
      try {
        return await this.scanLocked(now);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SCAN_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async scanLocked(now: Date): Promise<ScanResult> {
    const today = chinaDate(now);
    const due: DueCertificate[] = await this.ds.query(
      `SELECT c.id, c.welder_id AS "welderId", w.employer_id AS "employerId", c.sub_operation AS "subOperation", to_char(c.expires_on, 'YYYY-MM-DD') AS "expiresOn"
         FROM certificates c JOIN welders w ON w.id = c.welder_id
        WHERE c.status = 'valid' AND w.status = 'active' AND c.expires_on <= $1::date
          AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.welder_id = c.welder_id AND n.sub_operation = c.sub_operation
                           AND n.id <> c.id AND n.status = 'valid' AND n.verification = 'verified' AND n.issued_on <= $2::date AND n.expires_on > c.expires_on)
        ORDER BY c.expires_on`,
      [addDays(today, EXPIRY_THRESHOLDS[0]), today],
    );
    const candidates: Candidate[] = [];
    for (const c of due) {
      const daysLeft = daysBetween(today, c.expiresOn);
      // Expiring on D means invalid from the start of D (certificate-rules.ts).
      if (daysLeft <= 0) {
        candidates.push({
          dedupeKey: `cert-expired:${c.id}`,
          c,
          type: AlertType.CERTIFICATE_EXPIRED,
          extra: { daysOverdue: -daysLeft },
        });
        continue;
      }
      const threshold = expiryThreshold(daysLeft);
      if (threshold === null) continue;
      candidates.push({
        dedupeKey: `cert-expiring:${c.id}:${threshold}`,
        c,
        type: AlertType.CERTIFICATE_EXPIRING,
        severity: EXPIRY_SEVERITY[threshold],
        extra: { daysLeft, threshold },
      });
    }
    let raised = 0;
    // Raised before are looked up a batch at a time: an hourly scan of a province's tens of thousands of due
    // certificates was as many single-row queries, nearly all answering "already raised".
    for (let i = 0; i < candidates.length; i += DEDUPE_BATCH) {
      const batch = candidates.slice(i, i + DEDUPE_BATCH);
      const seen = await this.repo.existingDedupeKeys(batch.map((b) => b.dedupeKey));
      for (const b of batch) if (!seen.has(b.dedupeKey)) raised += await this.raise(b, now);
    }
    return { checked: due.length, raised };
  }

  private async raise({ dedupeKey, c, type, severity, extra }: Candidate, now: Date): Promise<number> {
    await this.alerts.raise({
      type,
      severity,
      enterpriseId: c.employerId,
      welderId: c.welderId,
      dedupeKey,
      occurredAt: now,
      evidence: {
        certificateId: c.id,
        welderId: c.welderId,
        subOperation: c.subOperation,
        expiresOn: c.expiresOn,
        ...extra,
      },
    });
    return 1;
  }

  private async scanAndReport(): Promise<void> {
    const r = await this.scan();
    if (r.raised) this.log.log(`certificate scan: ${r.raised} alert(s) raised for ${r.checked} certificate(s) due`);
  }
}
