import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client, Notification } from 'pg';
import { EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { isUuid } from '../common/validation/uuid';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AlertScope } from './alert-scope';
import { AlertView, toAlertView } from './alert.view';
import { AlertsRepository } from './alerts.repository';

export const ALERT_CHANNEL = 'arcgate_alerts';
export const LISTENER_APPLICATION_NAME = 'arcgate-alerts-listener';
const PROBE_INTERVAL_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

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
 * PostgreSQL delivers it only after commit, to every replica. Each replica LISTENs on a dedicated
 * connection, loads the alert once and hands it to the local subscribers allowed to see it.
 */
@Injectable()
export class AlertBus implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(AlertBus.name);
  private readonly subscribers = new Set<AlertSubscriber>();
  private client: Client | null = null;
  private probe: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs = 500;
  private stopping = false;
  private delivery: Promise<void> = Promise.resolve();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly alerts: AlertsRepository, private readonly scope: AlertScope) {}

  async onModuleInit(): Promise<void> {
    // The first connection is awaited so that a started server is already listening.
    await this.connect().catch((e) => { this.log.error(`alert listener failed to connect: ${(e as Error).message}`); this.scheduleReconnect(); });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.probe) clearInterval(this.probe);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const s of [...this.subscribers]) s.close();
    this.subscribers.clear();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  /** Announces a new or changed alert; delivered when (and only if) `em`'s transaction commits. */
  async announce(em: EntityManager, alertId: string): Promise<void> {
    await em.query('SELECT pg_notify($1, $2)', [ALERT_CHANNEL, alertId]);
  }

  subscribe(s: AlertSubscriber): () => void {
    this.subscribers.add(s);
    return () => { this.subscribers.delete(s); };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private async connect(): Promise<void> {
    const c = new Client({ connectionString: this.config.databaseUrl, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    // One at a time, so that a client never sees an older state of an alert after a newer one.
    c.on('notification', (n) => { this.delivery = this.delivery.then(() => this.onNotification(n)); });
    c.on('error', (e) => this.lost(c, e));
    c.on('end', () => this.lost(c, new Error('connection ended')));
    try {
      await c.connect();
      await c.query(`LISTEN ${ALERT_CHANNEL}`);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    if (this.stopping) { await c.end().catch(() => undefined); return; }
    this.client = c;
    this.backoffMs = 500;
    if (this.probe) clearInterval(this.probe);
    // A dead TCP connection can go unnoticed without traffic; a cheap query surfaces it as an error.
    this.probe = setInterval(() => { c.query('SELECT 1').catch((e) => this.lost(c, e)); }, PROBE_INTERVAL_MS);
    this.probe.unref();
    // Streams opened while the listener was down (or before a reconnect) may have missed changes.
    for (const s of this.subscribers) s.resync();
  }

  private lost(c: Client, e: Error): void {
    if (this.client !== c || this.stopping) return;
    this.log.warn(`alert listener lost its connection (${e.message}); reconnecting`);
    this.client = null;
    if (this.probe) { clearInterval(this.probe); this.probe = null; }
    c.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((e) => { this.log.warn(`alert listener reconnect failed: ${(e as Error).message}`); this.scheduleReconnect(); });
    }, delay);
    this.reconnectTimer.unref();
  }

  private async onNotification(n: Notification): Promise<void> {
    if (n.channel !== ALERT_CHANNEL || !n.payload || !isUuid(n.payload) || this.subscribers.size === 0) return;
    try {
      const alert = await this.alerts.findById(n.payload);
      if (!alert) return;
      const view = toAlertView(alert);
      for (const s of this.subscribers) if (this.scope.canSee(s.actor, alert)) s.send(view);
    } catch (e) {
      this.log.error(`could not deliver alert ${n.payload}: ${(e as Error).message}`);
    }
  }
}
