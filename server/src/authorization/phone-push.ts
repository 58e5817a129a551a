import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataSource } from 'typeorm';
import { GrantPushBody, PHONE_CONFIRM_TIMEOUT_MS } from '@arcgate/protocol';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { maskName } from '../common/validation/identifiers';
import { DEVICE_OUTBOX, DeviceOutbox } from '../device-core/device-ports';
import { returned } from './authorization.repository';

/** How often pending pushes are matched against devices that came online (the gateway keeps chips.online). */
export const PHONE_PUSH_POLL_MS = 2_000;

interface ClaimedPush {
  id: string;
  chip_id: string;
  welder_id: string;
  permit_id: string;
  confirm_by: Date;
  real_name: string;
}

/**
 * Delivers grant.push for phone-initiated sessions: at once when the device is online, otherwise
 * when it comes online before the session's push deadline (PHONE_PUSH_TTL_MS). Coordination is the
 * table: a push is claimed by a conditional UPDATE, so among replicas exactly one sends it.
 */
@Injectable()
export class PhonePushDelivery implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PhonePush');
  private readonly poller = new PeriodicWorker({
    what: 'pending push delivery',
    everyMs: PHONE_PUSH_POLL_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: () => this.deliverPending(),
  });

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onModuleInit(): void {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    this.poller.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  /** Pushes one session now if its device is online; true when sent. */
  async pushIfOnline(sessionId: string): Promise<boolean> {
    const claimed = await this.claim(this.clock.now(), sessionId);
    const sent = await Promise.all(claimed.map((c) => this.send(c)));
    if (claimed.length) return sent.some(Boolean);
    // Nothing to claim: the background delivery may have taken it first (its claim skips locked rows, and so
    // does this one). FOR SHARE waits for that claim to commit, so the answer says what happened.
    const rows: { pushed_at: Date | null }[] = await this.ds.query(
      'SELECT pushed_at FROM arm_sessions WHERE id = $1 FOR SHARE',
      [sessionId],
    );
    return rows[0]?.pushed_at != null;
  }

  /** Every pending push whose device is online now; returns the session ids sent. */
  async deliverPending(): Promise<string[]> {
    const claimed = await this.claim(this.clock.now(), null);
    const sent = await Promise.all(claimed.map(async (c) => ((await this.send(c)) ? c.id : null)));
    return sent.filter((id): id is string => id !== null);
  }

  private async claim(now: Date, sessionId: string | null): Promise<ClaimedPush[]> {
    const res: unknown = await this.ds.query(
      `WITH due AS (
         SELECT s.id FROM arm_sessions s
           JOIN chips c ON c.chip_id = s.chip_id AND c.online
           JOIN grants g ON g.grant_id = s.grant_id AND g.revoked_at IS NULL AND g.expires_at > $1
          WHERE s.pushed_at IS NULL AND s.push_deadline > $1 AND ($2::uuid IS NULL OR s.id = $2)
          ORDER BY s.push_deadline LIMIT 200 FOR UPDATE OF s SKIP LOCKED)
       UPDATE arm_sessions s SET pushed_at = $1, confirm_by = $1::timestamptz + make_interval(secs => $3)
         FROM due, welders w
        WHERE s.id = due.id AND w.id = s.welder_id
        RETURNING s.id, s.chip_id, s.welder_id, s.permit_id, s.confirm_by, w.real_name`,
      [now, sessionId, PHONE_CONFIRM_TIMEOUT_MS / 1000],
    );
    return returned<ClaimedPush>(res);
  }

  private async send(c: ClaimedPush): Promise<boolean> {
    const body: GrantPushBody = {
      sessionId: c.id,
      welderId: c.welder_id,
      welderName: maskName(c.real_name),
      permitId: c.permit_id,
      expiresAt: new Date(c.confirm_by).toISOString(),
    };
    try {
      await this.outbox.send(c.chip_id, 'grant.push', body);
      return true;
    } catch (e) {
      // Not sent: release the claim so that a later pass (on any replica) tries again within the window.
      this.logger.warn(`grant.push to ${c.chip_id} failed: ${e instanceof Error ? e.message : String(e)}`);
      await this.ds
        .query(`UPDATE arm_sessions SET pushed_at = NULL, confirm_by = NULL WHERE id = $1`, [c.id])
        .catch(() => undefined);
      return false;
    }
  }
}
