import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { isUuid } from '../common/validation/uuid';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PgListener } from '../database/pg-listener';
import { AlertScope } from './alert-scope';
import { AlertView, toAlertView } from './alert.view';
import { AlertsRepository } from './alerts.repository';

export const ALERT_CHANNEL = 'arcgate_alerts';
export const LISTENER_APPLICATION_NAME = 'arcgate-alerts-listener';

/** One live client (an SSE connection). */
export interface AlertSubscriber {
  actor: Actor;
  send(view: AlertView): void;
  /** Notifications may have been missed (listener reconnected): the client should reload. */
  resync(): void;
  close(): void;
}

/**
 * Live alerts across replicas. A change is announced with NOTIFY inside the writing transaction, so
 * PostgreSQL delivers it only after commit, to every replica. Each replica LISTENs (PgListener: a
 * dedicated connection, reconnecting), loads the alert once and hands it to the local subscribers
 * allowed to see it, one notification at a time so that a client never sees an older state after a newer one.
 */
@Injectable()
export class AlertBus implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(AlertBus.name);
  private readonly subscribers = new Set<AlertSubscriber>();
  private readonly listener: PgListener;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly alerts: AlertsRepository,
    private readonly scope: AlertScope,
  ) {
    this.listener = new PgListener({
      databaseUrl: config.databaseUrl,
      channel: ALERT_CHANNEL,
      applicationName: LISTENER_APPLICATION_NAME,
      onNotification: (payload) => this.onNotification(payload),
      // Streams opened while the listener was down (or before a reconnect) may have missed changes.
      onConnected: () => {
        for (const s of this.subscribers) s.resync();
      },
    });
  }

  async onModuleInit(): Promise<void> {
    // The first connection is awaited so that a started server is already listening.
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const s of [...this.subscribers]) s.close();
    this.subscribers.clear();
    await this.listener.stop();
  }

  /** Announces a new or changed alert; delivered when (and only if) `em`'s transaction commits. */
  async announce(em: EntityManager, alertId: string): Promise<void> {
    await em.query('SELECT pg_notify($1, $2)', [ALERT_CHANNEL, alertId]);
  }

  subscribe(s: AlertSubscriber): () => void {
    this.subscribers.add(s);
    return () => {
      this.subscribers.delete(s);
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private async onNotification(alertId: string): Promise<void> {
    if (!isUuid(alertId) || this.subscribers.size === 0) return;
    try {
      const found = await this.alerts.findWithContext(alertId);
      if (!found) return;
      const view = toAlertView(found.alert, found.context);
      for (const s of this.subscribers) if (this.scope.canSee(s.actor, found.alert)) s.send(view);
    } catch (e) {
      this.log.error(`could not deliver alert ${alertId}: ${(e as Error).message}`);
    }
  }
}
