import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const PROBE_INTERVAL_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export interface PgListenerOptions {
  databaseUrl: string;
  channel: string;
  /** Shown in pg_stat_activity (operators, and tests that cut the connection). */
  applicationName: string;
  /** Called one at a time, in the order PostgreSQL delivered the notifications. */
  onNotification(payload: string): Promise<void>;
  /**
   * Called after every successful (re)connect: notifications sent while not listening are lost, so
   * the owner catches up here. `first` is true for the initial connection.
   */
  onConnected?(first: boolean): Promise<void> | void;
  /** Called when the connection is found lost: from now until onConnected, notifications are missed. */
  onLost?(): void;
}

/**
 * LISTEN on one channel over a dedicated connection (a pooled one would be handed to other queries),
 * reconnecting with exponential back-off (AlertBus, RevocationListener). A periodic SELECT 1 surfaces a
 * dead TCP connection that would otherwise go unnoticed.
 */
export class PgListener {
  private readonly log: Logger;
  private client: Client | null = null;
  private probe: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs = FIRST_BACKOFF_MS;
  private stopping = false;
  private connectedOnce = false;
  private delivery: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PgListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`bad channel name ${opts.channel}`);
    this.log = new Logger(`PgListener:${opts.channel}`);
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** The first connection is awaited (a started server is already listening); failure schedules retries. */
  async start(): Promise<void> {
    await this.connect().catch((e: Error) => {
      this.log.error(`listener failed to connect: ${e.message}`);
      this.scheduleReconnect();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.probe) clearInterval(this.probe);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
    await this.delivery;
  }

  private async connect(): Promise<void> {
    const c = new Client({
      connectionString: this.opts.databaseUrl,
      application_name: this.opts.applicationName,
      keepAlive: true,
    });
    c.on('notification', (n) => {
      if (n.channel !== this.opts.channel || !n.payload) return;
      const payload = n.payload;
      this.delivery = this.delivery
        .then(() => this.opts.onNotification(payload))
        .catch((e: Error) => this.log.error(`notification handler failed: ${e.message}`));
    });
    c.on('error', (e) => this.lost(c, e));
    c.on('end', () => this.lost(c, new Error('connection ended')));
    try {
      await c.connect();
      await c.query(`LISTEN ${this.opts.channel}`);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    if (this.stopping) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.backoffMs = FIRST_BACKOFF_MS;
    if (this.probe) clearInterval(this.probe);
    this.probe = setInterval(() => {
      c.query('SELECT 1').catch((e: Error) => this.lost(c, e));
    }, PROBE_INTERVAL_MS);
    this.probe.unref();
    const first = !this.connectedOnce;
    this.connectedOnce = true;
    try {
      await this.opts.onConnected?.(first);
    } catch (e) {
      this.log.warn(`catch-up after connecting failed: ${(e as Error).message}`);
    }
  }

  private lost(c: Client, e: Error): void {
    if (this.client !== c || this.stopping) return;
    this.log.warn(`listener lost its connection (${e.message}); reconnecting`);
    this.client = null;
    try {
      this.opts.onLost?.();
    } catch (err) {
      this.log.warn(`lost-connection handler failed: ${(err as Error).message}`);
    }
    if (this.probe) {
      clearInterval(this.probe);
      this.probe = null;
    }
    c.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((e: Error) => {
        this.log.warn(`listener reconnect failed: ${e.message}`);
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}
