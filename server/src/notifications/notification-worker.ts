import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { runsApi } from '../config/server-role';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SmsSendError } from '../sms/sms-sender';
import { DeliveryError, DeliveryTarget, NOTIFICATION_CHANNELS, NotificationChannel } from './channels/channel';
import { NotificationDelivery, NotificationTrack } from './notification.entities';
import { NotificationRouter } from './notification-router';
import { DeliveryChannel, ROBOT_CHANNELS } from './notification-types';
import { AttemptFailure, NotificationsRepository } from './notifications.repository';
import { WebhookGuard } from './webhook-guard';

const LEASE_MS = 60_000;
const TRACK_BATCH = 64;
const TRACK_CONCURRENCY = 4;
const TRACK_CHUNK = 16;
/** One run keeps draining for at most this long, then yields to the next tick. */
const RUN_BUDGET_MS = 2000;

/** A refusal retrying cannot cure (SSRF guard, no channel). */
class PermanentDeliveryError extends DeliveryError {}

/** Any error of an attempt as the delivery log keeps it: a code to show, the provider's code, the words. */
export function attemptFailure(e: unknown): AttemptFailure {
  if (e instanceof DeliveryError) return { failure: e.failure, providerCode: e.providerCode, detail: e.message };
  if (e instanceof SmsSendError)
    return {
      failure: e.failure === 'refused' ? 'provider_refused' : e.failure,
      providerCode: e.providerCode,
      detail: e.message,
    };
  const err = e as Error;
  const timedOut = err?.name === 'TimeoutError' || err?.name === 'AbortError';
  return { failure: timedOut ? 'timeout' : 'unexpected', providerCode: null, detail: `${err?.name}: ${err?.message}` };
}

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
 * The notifications' two loops, away from the path that answers devices. Every `pollMs` the router
 * handles due tracks (new alerts, escalations, the end of quiet hours) and the sender sends due
 * deliveries. They run independently, so a burst of alerts is routed while earlier deliveries are still
 * in flight (one loop made routing wait behind every batch of sends: p99 12.7 s at 100 alerts/s), and a
 * routed batch wakes the sender at once. A failed send is retried with exponential back-off; the last
 * failure raises NOTIFICATION_DELIVERY_FAILED. Work is claimed with leases (SKIP LOCKED), so replicas
 * share it and a crashed replica's work comes back.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(NotificationWorker.name);
  private readonly channels: Map<DeliveryChannel, NotificationChannel>;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly routing: PeriodicWorker;
  private readonly sending: PeriodicWorker;

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
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {
    this.channels = new Map(channels.map((c) => [c.channel, c]));
    const n = config.notifications ?? {};
    this.retryBaseMs = n.retryBaseMs ?? 30_000;
    this.maxAttempts = n.maxAttempts ?? 5;
    this.concurrency = n.concurrency ?? 32;
    const pollMs = n.pollMs ?? 200;
    this.routing = new PeriodicWorker({
      what: 'notification routing',
      everyMs: pollMs,
      logger: this.log,
      run: () => this.until(RUN_BUDGET_MS, () => this.routeDue()),
    });
    this.sending = new PeriodicWorker({
      what: 'notification sending',
      everyMs: pollMs,
      logger: this.log,
      run: () => this.until(RUN_BUDGET_MS, () => this.sendDue()),
    });
  }

  onApplicationBootstrap(): void {
    if (!runsApi(this.roleConfig ?? {})) return;
    if (this.config.notifications?.workerDisabled) return;
    this.routing.start();
    this.sending.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.routing.stop(), this.sending.stop()]);
  }

  /** Repeats `step` until it finds nothing to do or the budget is spent. */
  private async until(budgetMs: number, step: () => Promise<number>): Promise<void> {
    const end = Date.now() + budgetMs;
    while ((await step()) > 0 && Date.now() <= end);
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

  /** One round of both loops, in order (tests drive the worker with this through drain). */
  async runOnce(): Promise<{ tracks: number; deliveries: number }> {
    const tracks = await this.routeDue();
    const deliveries = await this.sendDue();
    return { tracks, deliveries };
  }

  /** Routes one claimed batch of due tracks; returns how many were claimed. */
  private async routeDue(): Promise<number> {
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
    // What was just queued goes out now, not at the sender's next tick.
    if (tracks.length && !this.config.notifications?.workerDisabled) void this.sending.runNow();
    return tracks.length;
  }

  /**
   * Sends one claimed batch of due deliveries, `concurrency` at a time; returns how many were claimed. The
   * batch is one pool's worth, so a success waits for at most one round of sends before it is marked.
   */
  private async sendDue(): Promise<number> {
    const now = this.clock.now();
    const deliveries = await this.repo.claimDueDeliveries(now, new Date(now.getTime() + LEASE_MS), this.concurrency);
    const sent: string[] = [];
    await pool(deliveries, this.concurrency, async (d) => {
      if (await this.deliver(d)) sent.push(d.id);
    });
    // The successes are marked in one statement (a crash before it re-sends them once their lease ends).
    await this.repo.markSent(sent, this.clock.now());
    return deliveries.length;
  }

  /** The delay before attempt `attempts + 1`: base, 2×base, 4×base, … */
  backoffMs(attempts: number): number {
    return this.retryBaseMs * 2 ** Math.max(0, attempts - 1);
  }

  /** One attempt; true when the provider took it (marked sent by the caller, with the others). */
  private async deliver(d: NotificationDelivery): Promise<boolean> {
    try {
      const channel = this.channels.get(d.channel);
      if (!channel) throw new PermanentDeliveryError(`no channel ${d.channel}`, 'not_configured');
      const target = JSON.parse(this.cipher.decrypt(d.targetEnc)) as DeliveryTarget;
      if ((ROBOT_CHANNELS as readonly string[]).includes(d.channel)) {
        const problem = await this.guard.problemOf(target.to);
        if (problem) throw new PermanentDeliveryError(`webhook refused: ${problem}`, 'webhook_refused', problem);
      }
      await channel.send(target, { title: d.title, lines: JSON.parse(d.body) as string[] });
      return true;
    } catch (e) {
      const error = attemptFailure(e);
      if (e instanceof PermanentDeliveryError || d.attempts >= this.maxAttempts) await this.fail(d, error);
      else await this.repo.markRetry(d.id, new Date(this.clock.now().getTime() + this.backoffMs(d.attempts)), error);
      return false;
    }
  }

  /** The last attempt failed: the delivery is marked failed and the platform told (one open alert per endpoint). */
  private async fail(d: NotificationDelivery, error: AttemptFailure): Promise<void> {
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
              failure: error.failure,
              providerCode: error.providerCode,
              error: error.detail.slice(0, 200),
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
