import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AlertSeverity, AlertState, AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { Role } from '../common/roles/role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';
import { RegionLevel } from '../regions/region.entity';
import { AudienceMember, NOTIFICATION_AUDIENCE, NotificationAudience } from '../users/notification-roster';
import { OutgoingMessage } from './channels/channel';
import { maskTarget } from './masking';
import { NotificationEndpoint, NotificationRule, NotificationTrack } from './notification.entities';
import { alertMessage, inQuietHours, quietHoursEnd } from './notification-text';
import { DeliveryChannel, EndpointOwner, NotificationKind, NotifyLevel } from './notification-types';
import { NewDelivery, NewNotification, NotificationsRepository } from './notifications.repository';

/** Who one level reaches: accounts (in-app and their own endpoints) and owners of shared endpoints, plus loose phones. */
/** What handling a track comes to: rows to write and where the track goes next (nextAt null: it is done). */
export interface TrackOutcome {
  alertId: string;
  step: number;
  nextAt: Date | null;
  notifications: NewNotification[];
  deliveries: NewDelivery[];
}

export interface LevelAudience {
  users: AudienceMember[];
  owners: { kind: EndpointOwner; id: string }[];
  phones: string[];
}

const RULE_CACHE_MS = 5000;
/** Who is told changes rarely; a burst of alerts of one enterprise must not re-read it for each. */
const DIRECTORY_CACHE_MS = 10_000;

/** A small time-limited cache of promises (concurrent misses share one load). */
class TtlCache<V> {
  private readonly m = new Map<string, { at: number; v: Promise<V> }>();
  constructor(private readonly ttlMs: number) {}
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.m.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.v;
    const v = load();
    this.m.set(key, { at: Date.now(), v });
    v.catch(() => this.m.delete(key));
    if (this.m.size > 10_000) this.m.clear();
    return v;
  }
  clear(): void {
    this.m.clear();
  }
}
const REGION_CACHE_MS = 60_000;

/**
 * Walks a raised alert up its rule's levels: tells the current level (in-app rows and queued deliveries,
 * in one transaction with the track's advance), holds non-critical alerts through quiet hours, stops
 * once the alert is acknowledged or closed, and skips a level nobody can be reached at.
 */
@Injectable()
export class NotificationRouter {
  private readonly log = new Logger(NotificationRouter.name);
  private rules: { at: number; rows: NotificationRule[] } | null = null;
  private readonly enterpriseCache = new TtlCache<{ id: string; name: string; principalPhoneEnc: string } | null>(
    DIRECTORY_CACHE_MS,
  );
  private readonly staffCache = new TtlCache<AudienceMember[]>(DIRECTORY_CACHE_MS);
  private readonly endpointCache = new TtlCache<NotificationEndpoint[]>(DIRECTORY_CACHE_MS);
  private readonly regionCache = new Map<string, { at: number; level: RegionLevel | null; name: string }>();

  constructor(
    private readonly ds: DataSource,
    private readonly repo: NotificationsRepository,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(NOTIFICATION_AUDIENCE) private readonly audience: NotificationAudience,
  ) {}

  invalidateRules(): void {
    this.rules = null;
  }

  /** An endpoint was added or removed here: use the change at once (other replicas within DIRECTORY_CACHE_MS). */
  invalidateEndpoints(): void {
    this.endpointCache.clear();
  }

  private enterprise(id: string) {
    return this.enterpriseCache.get(id, async () => {
      const e = await this.enterprises.findById(id);
      return e ? { id: e.id, name: e.name, principalPhoneEnc: e.principalPhoneEnc } : null;
    });
  }

  private staff(enterpriseId: string, roles: Role[]): Promise<AudienceMember[]> {
    return this.staffCache.get(`e:${enterpriseId}:${roles.join(',')}`, () =>
      this.audience.enterpriseStaff(enterpriseId, roles),
    );
  }

  private regulators(code: string): Promise<AudienceMember[]> {
    return this.staffCache.get(`r:${code}`, () => this.audience.regulatorsOf(code));
  }

  private async endpointsOf(owners: { kind: EndpointOwner; id: string }[]): Promise<NotificationEndpoint[]> {
    const lists = await Promise.all(
      owners.map((o) => this.endpointCache.get(`${o.kind}:${o.id}`, () => this.repo.endpointsOf([o]))),
    );
    return lists.flat();
  }

  async ruleFor(alertType: string, severity: AlertSeverity): Promise<NotificationRule | null> {
    const now = Date.now();
    if (!this.rules || now - this.rules.at > RULE_CACHE_MS) this.rules = { at: now, rows: await this.repo.listRules() };
    const rows = this.rules.rows;
    return (
      rows.find((r) => r.alertType === alertType && r.severity === severity) ??
      rows.find((r) => r.alertType === null && r.severity === severity) ??
      null
    );
  }

  /**
   * Handles claimed tracks: tells each its due level(s) and sets when it comes back, or ends it. What to
   * send is worked out per track (from short-lived caches); all of it is written in one transaction.
   */
  async advanceMany(tracks: NotificationTrack[]): Promise<void> {
    if (!tracks.length) return;
    const now = this.clock.now();
    const states = await this.alerts.statesOf(tracks.map((t) => t.alertId));
    const outcomes: TrackOutcome[] = [];
    for (const t of tracks) {
      try {
        outcomes.push(await this.plan(t, states.get(t.alertId), now));
      } catch (e) {
        // Left to its lease: it comes back later.
        this.log.error(`routing alert ${t.alertId} failed: ${(e as Error).message}`);
      }
    }
    await this.ds.transaction(async (tx) => {
      await this.repo.insertNotifications(
        tx,
        outcomes.flatMap((o) => o.notifications),
      );
      await this.repo.insertDeliveries(
        tx,
        outcomes.flatMap((o) => o.deliveries),
      );
      await this.repo.advanceTracks(tx, outcomes);
    });
  }

  async advance(track: NotificationTrack): Promise<void> {
    return this.advanceMany([track]);
  }

  private async plan(track: NotificationTrack, state: AlertState | undefined, now: Date): Promise<TrackOutcome> {
    const done = (step: number): TrackOutcome => ({
      alertId: track.alertId,
      step,
      nextAt: null,
      notifications: [],
      deliveries: [],
    });
    const rule = await this.ruleFor(track.alertType, track.severity);
    if (!rule || state === undefined || state !== AlertState.Open || track.step >= rule.levels.length)
      return done(track.step);
    if (
      track.severity !== AlertSeverity.Critical &&
      rule.quietEndMin !== null &&
      inQuietHours(now, rule.quietStartMin, rule.quietEndMin)
    ) {
      return { ...done(track.step), nextAt: quietHoursEnd(now, rule.quietEndMin) };
    }
    const enterprise = track.enterpriseId ? await this.enterprise(track.enterpriseId) : null;
    const regionCodes = await this.regionCodes(track.regionPath);
    let step = track.step;
    let plan: { level: NotifyLevel; notifications: NewNotification[]; deliveries: NewDelivery[] } | null = null;
    // The escalation wording is for a track that waited; a level nobody can be reached at is passed over at once.
    const escalated = track.step > 0 ? Math.round((now.getTime() - track.raisedAt.getTime()) / 60_000) : null;
    const kindOf = (): NotificationKind =>
      track.alertType === AlertType.NOTIFICATION_DELIVERY_FAILED
        ? 'delivery_failed'
        : escalated !== null
          ? 'escalation'
          : 'alert';
    for (; step < rule.levels.length; step++) {
      const level = rule.levels[step];
      const audience = await this.audienceOf(level, track, enterprise, regionCodes);
      const message = alertMessage({
        alertId: track.alertId,
        alertType: track.alertType,
        severity: track.severity,
        raisedAt: track.raisedAt,
        enterpriseName: enterprise?.name ?? null,
        regionName: regionCodes.townshipName ?? regionCodes.countyName ?? null,
        level,
        escalatedAfterMin: escalated,
        consoleUrl: `${this.config.publicBaseUrl}/alerts`,
      });
      const kind = kindOf();
      const notifications = this.inApp(audience.users, kind, track, level, message, now);
      // A failed delivery is told in the console only: pushing it out could fail and raise another, without end.
      const deliveries =
        kind === 'delivery_failed' ? [] : await this.deliveriesFor(audience, kind, track, level, message, now);
      if (notifications.length || deliveries.length) {
        plan = { level, notifications, deliveries };
        break;
      }
    }
    if (!plan) return done(step);
    const { notifications, deliveries } = plan;
    const nextStep = step + 1;
    const nextAt =
      nextStep < rule.levels.length && rule.escalateAfterMin
        ? new Date(now.getTime() + rule.escalateAfterMin * 60_000)
        : null;
    return { alertId: track.alertId, step: nextStep, nextAt, notifications, deliveries };
  }

  /** In-app rows for these users. */
  inApp(
    users: AudienceMember[],
    kind: NotificationKind,
    track: Pick<NotificationTrack, 'alertId' | 'alertType' | 'severity'> | null,
    level: NotifyLevel | null,
    message: OutgoingMessage,
    now: Date,
  ): NewNotification[] {
    return users.map((u) => ({
      userId: u.id,
      kind,
      alertId: track?.alertId ?? null,
      alertType: track?.alertType ?? null,
      severity: track?.severity ?? null,
      level,
      title: message.title,
      body: message.lines.join('\n'),
      createdAt: now,
    }));
  }

  /** One queued delivery per distinct (channel, target) of the audience's endpoints and phones. */
  async deliveriesFor(
    audience: LevelAudience,
    kind: NotificationKind,
    track: Pick<NotificationTrack, 'alertId' | 'enterpriseId' | 'regionPath'> | null,
    level: NotifyLevel | null,
    message: OutgoingMessage,
    now: Date,
    scope?: { enterpriseId: string | null; regionPath: string | null },
  ): Promise<NewDelivery[]> {
    const owners = [...audience.owners, ...audience.users.map((u) => ({ kind: 'user' as const, id: u.id }))];
    const endpoints = await this.endpointsOf(owners);
    const seen = new Set<string>();
    const out: NewDelivery[] = [];
    const add = (channel: DeliveryChannel, to: string, secret: string | null, endpointId: string | null) => {
      const key = `${channel}\u0000${to}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({
        kind,
        alertId: track?.alertId ?? null,
        level,
        channel,
        endpointId,
        targetEnc: this.cipher.encrypt(JSON.stringify({ to, secret })),
        recipientMasked: maskTarget(channel, to),
        title: message.title,
        body: JSON.stringify(message.lines),
        enterpriseId: scope?.enterpriseId ?? track?.enterpriseId ?? null,
        regionPath: scope?.regionPath ?? track?.regionPath ?? null,
        createdAt: now,
        nextAttemptAt: now,
      });
    };
    for (const e of endpoints)
      add(e.channel, this.cipher.decrypt(e.targetEnc), e.secretEnc ? this.cipher.decrypt(e.secretEnc) : null, e.id);
    for (const p of audience.phones) add('sms', p, null, null);
    return out;
  }

  async audienceOf(
    level: NotifyLevel,
    track: Pick<NotificationTrack, 'enterpriseId'>,
    enterprise: { id: string; principalPhoneEnc: string } | null,
    regions: { township: string | null; county: string | null },
  ): Promise<LevelAudience> {
    const none: LevelAudience = { users: [], owners: [], phones: [] };
    switch (level) {
      case 'enterprise_safety': {
        if (!track.enterpriseId) return none;
        let users = await this.staff(track.enterpriseId, [Role.SafetyManager]);
        if (!users.length) users = await this.staff(track.enterpriseId, [Role.EnterpriseAdmin]);
        return { users, owners: [{ kind: 'enterprise', id: track.enterpriseId }], phones: [] };
      }
      case 'enterprise_principal': {
        if (!enterprise) return none;
        const users = await this.staff(enterprise.id, [Role.EnterpriseAdmin]);
        let phone: string | null = null;
        try {
          phone = this.cipher.decrypt(enterprise.principalPhoneEnc);
        } catch {
          this.log.warn(`enterprise ${enterprise.id}: principal phone unreadable`);
        }
        return { users, owners: [], phones: phone ? [phone] : [] };
      }
      case 'township':
      case 'county': {
        const code = level === 'township' ? regions.township : regions.county;
        if (!code) return none;
        return {
          users: await this.regulators(code),
          owners: [{ kind: 'region', id: code }],
          phones: [],
        };
      }
      case 'platform':
        return { users: await this.audience.platformAdmins(), owners: [], phones: [] };
    }
  }

  private async region(code: string): Promise<{ code: string; level: RegionLevel | null; name: string }> {
    const hit = this.regionCache.get(code);
    if (hit && Date.now() - hit.at < REGION_CACHE_MS) return { code, level: hit.level, name: hit.name };
    const r = await this.regions.findByCode(code);
    const v = { at: Date.now(), level: r?.level ?? null, name: r?.name ?? code };
    this.regionCache.set(code, v);
    return { code, level: v.level, name: v.name };
  }

  /** The township and county (codes and names) on a region path ("/411426/411426100/…"). */
  async regionCodes(path: string | null): Promise<{
    township: string | null;
    county: string | null;
    townshipName: string | null;
    countyName: string | null;
  }> {
    const out = { township: null, county: null, townshipName: null, countyName: null } as {
      township: string | null;
      county: string | null;
      townshipName: string | null;
      countyName: string | null;
    };
    for (const code of (path ?? '').split('/').filter(Boolean)) {
      const r = await this.region(code);
      if (r?.level === RegionLevel.Township) Object.assign(out, { township: r.code, townshipName: r.name });
      if (r?.level === RegionLevel.County) Object.assign(out, { county: r.code, countyName: r.name });
    }
    return out;
  }
}
