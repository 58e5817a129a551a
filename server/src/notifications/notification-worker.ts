import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DeliveryError, DeliveryTarget, NOTIFICATION_CHANNELS, NotificationChannel } from './channels/channel';
import { NotificationDelivery, NotificationTrack } from './notification.entities';
import { NotificationRouter } from './notification-router';
import { DeliveryChannel, ROBOT_CHANNELS } from './notification-types';
import { NotificationsRepository } from './notifications.repository';
import { WebhookGuard } from './webhook-guard';

const LEASE_MS = 60_000;
const TRACK_BATCH = 64;
const TRACK_CONCURRENCY = 4;
const TRACK_CHUNK = 16;
/** One run keeps draining for at most this long, then yields to the next tick. */
const RUN_BUDGET_MS = 2000;

/** A refusal retrying cannot cure (SSRF guard, no channel). */
class PermanentDeliveryError extends DeliveryError {}

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

/**
 * The notifications' worker loop, away from the path that answers devices: every `pollMs` it routes due
 * tracks (new alerts, escalations, the end of quiet hours) and sends due deliveries, a pool at a time.
 * A failed send is retried with exponential back-off; the last failure raises NOTIFICATION_DELIVERY_FAILED.
 * Work is claimed with leases (SKIP LOCKED), so replicas share it and a crashed replica's work comes back.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(NotificationWorker.name);
  private readonly channels: Map<DeliveryChannel, NotificationChannel>;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly worker: PeriodicWorker;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: NotificationsRepository,
    private readonly router: NotificationRouter,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    private readonly guard: WebhookGuard,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
  ) {
    this.channels = new Map(channels.map((c) => [c.channel, c]));
    const n = config.notifications ?? {};
    this.retryBaseMs = n.retryBaseMs ?? 30_000;
    this.maxAttempts = n.maxAttempts ?? 5;
    this.concurrency = n.concurrency ?? 32;
    this.worker = new PeriodicWorker({
      what: 'notification worker',
      everyMs: n.pollMs ?? 200,
      logger: this.log,
      run: () => this.drain(RUN_BUDGET_MS),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.notifications?.workerDisabled) this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Runs until no work is due (or the budget is spent); returns how many tracks and deliveries it handled. */
  async drain(budgetMs = 30_000): Promise<{ tracks: number; deliveries: number }> {
    const until = Date.now() + budgetMs;
    const total = { tracks: 0, deliveries: 0 };
    for (;;) {
      const r = await this.runOnce();
      total.tracks += r.tracks;
      total.deliveries += r.deliveries;
      if ((r.tracks === 0 && r.deliveries === 0) || Date.now() > until) return total;
    }
  }

  async runOnce(): Promise<{ tracks: number; deliveries: number }> {
    const now = this.clock.now();
    const tracks = await this.repo.claimDueTracks(now, new Date(now.getTime() + LEASE_MS), TRACK_BATCH);
    // Chunks written in one transaction each, a few at a time.
    const chunks: NotificationTrack[][] = [];
    for (let i = 0; i < tracks.length; i += TRACK_CHUNK) chunks.push(tracks.slice(i, i + TRACK_CHUNK));
    await pool(chunks, TRACK_CONCURRENCY, async (c) => {
      try {
        await this.router.advanceMany(c);
      } catch (e) {
        // The lease brings them back after LEASE_MS.
        this.log.error(`routing ${c.length} alert(s) failed: ${(e as Error).message}`);
      }
    });
    const deliveries = await this.repo.claimDueDeliveries(
      this.clock.now(),
      new Date(this.clock.now().getTime() + LEASE_MS),
      this.concurrency * 4,
    );
    const sent: string[] = [];
    await pool(deliveries, this.concurrency, async (d) => {
      if (await this.deliver(d)) sent.push(d.id);
    });
    // The successes are marked in one statement (a crash before it re-sends them once their lease ends).
    await this.repo.markSent(sent, this.clock.now());
    return { tracks: tracks.length, deliveries: deliveries.length };
  }

  /** The delay before attempt `attempts + 1`: base, 2×base, 4×base, … */
  backoffMs(attempts: number): number {
    return this.retryBaseMs * 2 ** Math.max(0, attempts - 1);
  }

  /** One attempt; true when the provider took it (marked sent by the caller, with the others). */
  private async deliver(d: NotificationDelivery): Promise<boolean> {
    try {
      const channel = this.channels.get(d.channel);
      if (!channel) throw new PermanentDeliveryError(`no channel ${d.channel}`);
      const target = JSON.parse(this.cipher.decrypt(d.targetEnc)) as DeliveryTarget;
      if ((ROBOT_CHANNELS as readonly string[]).includes(d.channel)) {
        const problem = await this.guard.problemOf(target.to);
        if (problem) throw new PermanentDeliveryError(`webhook refused: ${problem}`);
      }
      await channel.send(target, { title: d.title, lines: JSON.parse(d.body) as string[] });
      return true;
    } catch (e) {
      const error = e instanceof DeliveryError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
      if (e instanceof PermanentDeliveryError || d.attempts >= this.maxAttempts) await this.fail(d, error);
      else await this.repo.markRetry(d.id, new Date(this.clock.now().getTime() + this.backoffMs(d.attempts)), error);
      return false;
    }
  }

  /** The last attempt failed: the delivery is marked failed and the platform told (one open alert per endpoint). */
  private async fail(d: NotificationDelivery, error: string): Promise<void> {
    try {
      await this.ds.transaction(async (tx) => {
        await this.repo.markFailed(tx, d.id, this.clock.now(), error);
        await this.alerts.raise(
          {
            type: AlertType.NOTIFICATION_DELIVERY_FAILED,
            dedupeKey: `notify-failed:${d.channel}:${d.endpointId ?? d.recipientMasked}`,
            evidence: {
              deliveryId: d.id,
              alertId: d.alertId,
              channel: d.channel,
              recipient: d.recipientMasked,
              attempts: d.attempts,
              error: error.slice(0, 200),
            },
          },
          tx,
        );
      });
    } catch (e) {
      this.log.error(`delivery ${d.id}: could not record its failure: ${(e as Error).message}`);
    }
  }
}
