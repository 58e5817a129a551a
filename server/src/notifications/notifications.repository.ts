import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AlertSeverity } from '../alerts/alert-type';
import {
  Notification,
  NotificationDelivery,
  NotificationDigest,
  NotificationEndpoint,
  NotificationRule,
  NotificationTrack,
} from './notification.entities';
import { DeliveryChannel, DeliveryFailure, DeliveryStatus, EndpointOwner } from './notification-types';

export type NewNotification = Omit<Notification, 'id' | 'readAt'>;
export type NewDelivery = Pick<
  NotificationDelivery,
  | 'kind'
  | 'alertId'
  | 'level'
  | 'channel'
  | 'endpointId'
  | 'targetEnc'
  | 'recipientMasked'
  | 'title'
  | 'body'
  | 'enterpriseId'
  | 'regionPath'
  | 'createdAt'
  | 'nextAttemptAt'
>;

export interface DeliveryFilters {
  status?: DeliveryStatus;
  channel?: DeliveryChannel;
  alertId?: string;
  /** Regulators: deliveries of alerts under this region path (or of the region itself). */
  regionPath?: string;
}

/** The notifications module's tables, by intent. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly ds: DataSource) {}

  /** Queues a raised alert for routing (runs in the raising transaction; a repeat of the id is ignored). */
  async enqueue(em: EntityManager, t: Omit<NotificationTrack, 'step' | 'done'>): Promise<void> {
    await em.query(
      `INSERT INTO notification_tracks (alert_id, alert_type, severity, enterprise_id, region_path, raised_at, next_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alert_id) DO NOTHING`,
      [t.alertId, t.alertType, t.severity, t.enterpriseId, t.regionPath, t.raisedAt, t.nextAt],
    );
  }

  /**
   * An alert's severity rose: its track starts over at the first level of the higher severity's rule, at
   * once, even if it had ended. A track already at that severity (or above) is left alone, so a repeat
   * that changes nothing writes nothing.
   */
  async reopenAtSeverity(em: EntityManager, alertId: string, severity: AlertSeverity, now: Date): Promise<void> {
    const rank = (s: string) => `CASE ${s} WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END`;
    await em.query(
      `UPDATE notification_tracks SET severity = $2, step = 0, done = false, next_at = $3, updated_at = now()
        WHERE alert_id = $1 AND ${rank('severity')} < ${rank('$2::text')}`,
      [alertId, severity, now],
    );
  }

  /**
   * Takes up to `limit` due tracks for this worker: their next_at moves to `leaseUntil`, so another replica
   * (or this one after a crash) takes them again only once the lease has passed.
   */
  async claimDueTracks(now: Date, leaseUntil: Date, limit: number): Promise<NotificationTrack[]> {
    const [rows]: [Record<string, unknown>[], number] = await this.ds.query(
      `UPDATE notification_tracks t SET next_at = $2, updated_at = now()
        WHERE t.alert_id IN (SELECT alert_id FROM notification_tracks WHERE NOT done AND next_at <= $1
                              ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING t.alert_id, t.alert_type, t.severity, t.enterprise_id, t.region_path, t.raised_at, t.step`,
      [now, leaseUntil, limit],
    );
    return rows.map((r) => ({
      alertId: r.alert_id as string,
      alertType: r.alert_type as string,
      severity: r.severity as NotificationTrack['severity'],
      enterpriseId: r.enterprise_id as string | null,
      regionPath: r.region_path as string | null,
      raisedAt: new Date(r.raised_at as string),
      step: r.step as number,
      nextAt: leaseUntil,
      done: false,
    }));
  }

  /** Moves each handled track on in one statement (nextAt null: done). */
  async advanceTracks(
    em: EntityManager,
    moves: { alertId: string; step: number; nextAt: Date | null }[],
  ): Promise<void> {
    if (!moves.length) return;
    await em.query(
      `UPDATE notification_tracks t SET step = v.step, next_at = COALESCE(v.next_at, t.next_at), done = v.next_at IS NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS v(id, step, next_at)
        WHERE t.alert_id = v.id`,
      [moves.map((m) => m.alertId), moves.map((m) => m.step), moves.map((m) => m.nextAt)],
    );
  }

  async findTrack(alertId: string): Promise<NotificationTrack | null> {
    return this.ds.manager.findOne(NotificationTrack, { where: { alertId } });
  }

  // rules

  listRules(): Promise<NotificationRule[]> {
    return this.ds.manager.find(NotificationRule, { order: { severity: 'ASC', alertType: 'ASC' } });
  }

  findRule(id: string, em: EntityManager = this.ds.manager): Promise<NotificationRule | null> {
    return em.findOne(NotificationRule, {
      where: { id },
      lock: em.queryRunner?.isTransactionActive ? { mode: 'pessimistic_write' } : undefined,
    });
  }

  async saveRule(em: EntityManager, r: NotificationRule): Promise<void> {
    await em.update(
      NotificationRule,
      { id: r.id },
      {
        levels: r.levels,
        escalateAfterMin: r.escalateAfterMin,
        quietStartMin: r.quietStartMin,
        quietEndMin: r.quietEndMin,
        updatedBy: r.updatedBy,
        updatedAt: r.updatedAt,
      },
    );
  }

  async insertRule(em: EntityManager, r: Omit<NotificationRule, 'id'>): Promise<NotificationRule> {
    return em.save(NotificationRule, em.create(NotificationRule, r));
  }

  // in-app

  async insertNotifications(em: EntityManager, rows: NewNotification[]): Promise<void> {
    if (rows.length) await em.insert(Notification, rows);
  }

  listForUser(userId: string, unreadOnly: boolean, offset: number, limit: number): Promise<[Notification[], number]> {
    return this.ds.manager.findAndCount(Notification, {
      where: unreadOnly ? { userId, readAt: IsNull() } : { userId },
      order: { createdAt: 'DESC' },
      skip: offset,
      take: limit,
    });
  }

  async unreadCount(userId: string): Promise<number> {
    const [{ n }] = await this.ds.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
      [userId],
    );
    return n as number;
  }

  /** Marks one of the user's notifications read; false when the user has no such notification. */
  async markRead(userId: string, id: string, now: Date): Promise<boolean> {
    const r = await this.ds.query(
      `UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING id`,
      [id, userId, now],
    );
    return (r as unknown[][])[0].length > 0;
  }

  async markAllRead(userId: string, now: Date): Promise<void> {
    await this.ds.query(`UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, [userId, now]);
  }

  // deliveries

  async insertDeliveries(em: EntityManager, rows: NewDelivery[]): Promise<void> {
    if (rows.length) await em.insert(NotificationDelivery, rows);
  }

  /** Takes due deliveries (pending and due, or sending with an expired lease): one attempt each, leased. */
  async claimDueDeliveries(now: Date, leaseUntil: Date, limit: number): Promise<NotificationDelivery[]> {
    const ids: { id: string }[] = (
      await this.ds.query(
        `UPDATE notification_deliveries d SET status = 'sending', lease_until = $2, attempts = d.attempts + 1
          WHERE d.id IN (SELECT id FROM notification_deliveries
                          WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
                          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING d.id`,
        [now, leaseUntil, limit],
      )
    )[0];
    return ids.length ? this.ds.manager.find(NotificationDelivery, { where: { id: In(ids.map((r) => r.id)) } }) : [];
  }

  async markSent(ids: string[], now: Date): Promise<void> {
    if (!ids.length) return;
    await this.ds.manager.update(
      NotificationDelivery,
      { id: In(ids) },
      { status: 'sent', sentAt: now, leaseUntil: null, lastError: null, lastFailure: null, lastProviderCode: null },
    );
  }

  async markRetry(id: string, nextAttemptAt: Date, error: AttemptFailure): Promise<void> {
    await this.ds.manager.update(
      NotificationDelivery,
      { id },
      { status: 'pending', nextAttemptAt, leaseUntil: null, ...failureColumns(error) },
    );
  }

  async markFailed(em: EntityManager, id: string, now: Date, error: AttemptFailure): Promise<void> {
    await em.update(
      NotificationDelivery,
      { id },
      { status: 'failed', failedAt: now, leaseUntil: null, ...failureColumns(error) },
    );
  }

  listDeliveries(f: DeliveryFilters, offset: number, limit: number): Promise<[NotificationDelivery[], number]> {
    const qb = this.ds.manager
      .createQueryBuilder(NotificationDelivery, 'd')
      .orderBy('d.created_at', 'DESC')
      .skip(offset)
      .take(limit);
    if (f.status) qb.andWhere('d.status = :status', { status: f.status });
    if (f.channel) qb.andWhere('d.channel = :channel', { channel: f.channel });
    if (f.alertId) qb.andWhere('d.alert_id = :alertId', { alertId: f.alertId });
    if (f.regionPath) qb.andWhere('d.region_path LIKE :rp', { rp: `${f.regionPath}%` });
    return qb.getManyAndCount();
  }

  // endpoints

  endpointsOf(owners: { kind: EndpointOwner; id: string }[]): Promise<NotificationEndpoint[]> {
    if (!owners.length) return Promise.resolve([]);
    return this.ds.manager.find(NotificationEndpoint, {
      where: owners.map((o) => ({ ownerKind: o.kind, ownerId: o.id })),
      order: { createdAt: 'ASC' },
    });
  }

  findEndpoint(id: string): Promise<NotificationEndpoint | null> {
    return this.ds.manager.findOne(NotificationEndpoint, { where: { id } });
  }

  async countEndpoints(kind: EndpointOwner, ownerId: string): Promise<number> {
    return this.ds.manager.count(NotificationEndpoint, { where: { ownerKind: kind, ownerId } });
  }

  async insertEndpoint(em: EntityManager, e: Omit<NotificationEndpoint, 'id'>): Promise<NotificationEndpoint> {
    return em.save(NotificationEndpoint, em.create(NotificationEndpoint, e));
  }

  async deleteEndpoint(em: EntityManager, id: string): Promise<void> {
    await em.delete(NotificationEndpoint, { id });
  }

  // digests

  /** Claims a scope's digest of a day; false when it was already sent. */
  async claimDigest(em: EntityManager, d: NotificationDigest): Promise<boolean> {
    const r = await em.query(
      `INSERT INTO notification_digests (scope_kind, scope_id, day, sent_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING scope_id`,
      [d.scopeKind, d.scopeId, d.day, d.sentAt],
    );
    return (r as unknown[]).length > 0;
  }
}

/** One failed attempt as the delivery log keeps it. */
export interface AttemptFailure {
  failure: DeliveryFailure;
  providerCode: string | null;
  /** Technical detail (the provider's own words; never shown as the reason). */
  detail: string;
}

function failureColumns(f: AttemptFailure) {
  return {
    lastError: f.detail.slice(0, 500),
    lastFailure: f.failure,
    lastProviderCode: f.providerCode?.slice(0, 40) ?? null,
  };
}
