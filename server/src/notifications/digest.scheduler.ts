import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { runsApi } from '../config/server-role';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AlertSeverity, AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { Role } from '../common/roles/role';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { chinaDate } from '../common/time/china-date';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { NOTIFICATION_AUDIENCE, NotificationAudience } from '../users/notification-roster';
import { OutgoingMessage } from './channels/channel';
import { chinaMinuteOfDay } from './notification-text';
import { LevelAudience, NotificationRouter } from './notification-router';
import { NotificationsRepository } from './notifications.repository';

const CHECK_EVERY_MS = 60_000;

export interface DigestCounts {
  open: Record<AlertSeverity, number>;
  overdueHazards: number;
  expiringCertificates: number;
  expiredCertificates: number;
}

/** Sums the open-alert rows into the digest's figures (overdue hazards and certificates are alerts of their own types). */
export function digestCounts(rows: { type: AlertType; severity: AlertSeverity; count: number }[]): DigestCounts {
  const c: DigestCounts = {
    open: { critical: 0, warning: 0, info: 0 },
    overdueHazards: 0,
    expiringCertificates: 0,
    expiredCertificates: 0,
  };
  for (const r of rows) {
    c.open[r.severity] += r.count;
    if (r.type === AlertType.HAZARD_OVERDUE) c.overdueHazards += r.count;
    if (r.type === AlertType.CERTIFICATE_EXPIRING) c.expiringCertificates += r.count;
    if (r.type === AlertType.CERTIFICATE_EXPIRED) c.expiredCertificates += r.count;
  }
  return c;
}

export function digestMessage(scopeName: string, day: string, c: DigestCounts, consoleUrl: string): OutgoingMessage {
  const total = c.open.critical + c.open.warning + c.open.info;
  return {
    title: `【每日安全摘要】${scopeName} ${day}`.slice(0, 200),
    lines: [
      `未关闭告警：${total} 条（严重 ${c.open.critical}，警告 ${c.open.warning}，提示 ${c.open.info}）`,
      `逾期未整改隐患：${c.overdueHazards} 项`,
      `即将到期的操作证：${c.expiringCertificates} 本；已过期：${c.expiredCertificates} 本`,
      `请登录 ArcGate 查看：${consoleUrl}`,
    ],
  };
}

/**
 * 每日摘要: once a China day, from NOTIFY_DIGEST_HOUR on, each enterprise and each township that has set
 * a channel gets its summary (open alerts, overdue hazards, expiring certificates) through its channels,
 * and its staff (safety managers and admins; the township's regulators) in the console. A day's digest of
 * a scope is claimed in the database, so replicas and restarts never send it twice.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DigestScheduler.name);
  private readonly worker = new PeriodicWorker({
    what: 'notification digest',
    everyMs: CHECK_EVERY_MS,
    logger: this.log,
    run: () => this.runDue(),
  });

  constructor(
    private readonly ds: DataSource,
    private readonly repo: NotificationsRepository,
    private readonly router: NotificationRouter,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(NOTIFICATION_AUDIENCE) private readonly audience: NotificationAudience,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsApi(this.roleConfig ?? {})) return;
    if (!this.config.notifications?.workerDisabled) this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Sends the day's digests when the hour has come; returns how many scopes got one. */
  async runDue(now: Date = this.clock.now()): Promise<number> {
    if (chinaMinuteOfDay(now) < (this.config.notifications?.digestHour ?? 8) * 60) return 0;
    const day = chinaDate(now);
    const scopes: { kind: 'enterprise' | 'region'; id: string }[] = await this.ds.query(
      `SELECT DISTINCT owner_kind AS kind, owner_id AS id FROM notification_endpoints
        WHERE owner_kind IN ('enterprise','region') ORDER BY 1, 2`,
    );
    let sent = 0;
    for (const s of scopes) {
      try {
        if (await this.sendOne(s.kind, s.id, day, now)) sent++;
      } catch (e) {
        this.log.error(`digest ${s.kind} ${s.id}: ${(e as Error).message}`);
      }
    }
    return sent;
  }

  private async sendOne(kind: 'enterprise' | 'region', id: string, day: string, now: Date): Promise<boolean> {
    let name: string;
    let regionPath: string;
    let audience: LevelAudience;
    let enterpriseId: string | null = null;
    if (kind === 'enterprise') {
      const e = await this.enterprises.findById(id);
      if (!e) return false;
      name = e.name;
      regionPath = e.regionPath;
      enterpriseId = e.id;
      audience = {
        users: await this.audience.enterpriseStaff(e.id, [Role.SafetyManager, Role.EnterpriseAdmin]),
        owners: [{ kind: 'enterprise', id: e.id }],
        phones: [],
      };
    } else {
      const r = await this.regions.findByCode(id);
      if (!r) return false;
      name = r.name;
      regionPath = r.path;
      audience = {
        users: await this.audience.regulatorsOf(r.code),
        owners: [{ kind: 'region', id: r.code }],
        phones: [],
      };
    }
    const counts = digestCounts(
      await this.alerts.openCounts(kind === 'enterprise' ? { enterpriseId: id } : { regionPath }),
    );
    const message = digestMessage(name, day, counts, `${this.config.publicBaseUrl}/alerts`);
    const scope = { enterpriseId, regionPath };
    const deliveries = await this.router.deliveriesFor(audience, 'digest', null, null, message, now, scope);
    const inApp = this.router.inApp(audience.users, 'digest', null, null, message, now);
    return this.ds.transaction(async (tx) => {
      if (!(await this.repo.claimDigest(tx, { scopeKind: kind, scopeId: id, day, sentAt: now }))) return false;
      await this.repo.insertNotifications(tx, inApp);
      await this.repo.insertDeliveries(tx, deliveries);
      return true;
    });
  }
}
