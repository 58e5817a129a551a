import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { GrantRevokeBody, ReasonCode, reasonMessage, REVOKE_REASONS } from '@arcgate/protocol';
import { Clock } from '../common/clock/clock';
import { DEVICE_OUTBOX, DeviceOutbox } from '../device-core/device-ports';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { GrantFilter, GrantsRepository, RevokedGrant } from './grants.repository';

/** Sweep period: well inside REVOKE_DELIVERY_TARGET_MS (5 s) together with the on-demand trigger. */
export const REVOCATION_SWEEP_MS = 4_000;
/** A revoke marked but not sent this long ago is re-sent (its replica may have died in between). */
const UNSENT_GRACE_MS = 10_000;

/**
 * Ends live grants whose cause has gone: permit cancelled, closed or expired; machine suspended or
 * retired; chip unbound; enterprise inactive; welder code revoked; certificate revoked, suspended,
 * expired or overdue for review; blackout declared. Sends grant.revoke to the device at once.
 *
 * Two paths: revokeAffected() for the grants a change concerns, called at once by
 * RevocationListener when a database trigger announces the committed change (or by any module),
 * and a periodic sweep over all live grants for what the listener missed and for causes that are
 * a matter of time (the clock is the injected one). Any replica may run either: the conditional
 * UPDATE in markRevoked decides which one sends.
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Revocation');
  private readonly sweeper = new PeriodicWorker({
    what: 'sweep',
    everyMs: REVOCATION_SWEEP_MS,
    logger: this.logger,
    failureLevel: 'warn',
    run: () => this.sweep(),
  });

  constructor(
    private readonly grants: GrantsRepository,
    private readonly clock: Clock,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onModuleInit(): void {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    this.sweeper.start();
  }

  /**
   * Restarts the periodic sweep with another period. The sweep is the safety net behind the
   * immediate, trigger-driven path (RevocationListener); tests lengthen it to prove that path alone.
   */
  setSweepInterval(ms: number): void {
    if (!Number.isFinite(ms) || ms < 100) throw new Error(`sweep interval ${ms} ms is not allowed`);
    this.sweeper.setPeriod(ms);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Re-checks the live grants the filter selects (all when empty) and revokes those no longer justified. */
  async revokeAffected(filter: GrantFilter = {}): Promise<RevokedGrant[]> {
    const now = this.clock.now();
    const due = await this.grants.findToRevoke(now, filter);
    return this.revokeAndSend(due, now);
  }

  /**
   * Revokes every live grant the filter selects with a given reason, whatever the data say
   * (REGULATOR_ORDER: a regulator stops work on site). An empty filter is refused: too broad.
   */
  async revokeWhere(filter: GrantFilter, reason: ReasonCode): Promise<RevokedGrant[]> {
    if (!Object.values(filter).some((v) => v)) throw new Error('revokeWhere needs a filter');
    if (!REVOKE_REASONS.includes(reason)) throw new Error(`${reason} is not a revoke reason`);
    const now = this.clock.now();
    const ids = await this.grants.findLiveIds(now, filter);
    return this.revokeAndSend(
      ids.map((grantId) => ({ grantId, reason })),
      now,
    );
  }

  /** One periodic pass: the full sweep, then any revoke that was marked but never sent. */
  async sweep(): Promise<RevokedGrant[]> {
    const revoked = await this.revokeAffected();
    const now = this.clock.now();
    const unsent = await this.grants.claimUnsentRevokes(new Date(now.getTime() - UNSENT_GRACE_MS), now);
    await Promise.all(unsent.map((g) => this.send(g)));
    return revoked;
  }

  private async revokeAndSend(due: { grantId: string; reason: ReasonCode }[], now: Date): Promise<RevokedGrant[]> {
    const revoked = await this.grants.markRevoked(due, now);
    const sent = await Promise.all(revoked.filter((g) => g.onDevice).map((g) => this.send(g)));
    await this.grants.markRevokeSent(
      sent.filter((id): id is string => id !== null),
      this.clock.now(),
    );
    if (revoked.length)
      this.logger.log(
        `revoked ${revoked.length} grant(s): ${revoked.map((g) => `${g.grantId}=${g.reason}`).join(', ')}`,
      );
    return revoked;
  }

  /** The grant id, or null when publishing failed (the sweep re-sends it later). */
  private async send(g: RevokedGrant): Promise<string | null> {
    const body: GrantRevokeBody = { grantId: g.grantId, reason: g.reason, message: reasonMessage(g.reason) };
    try {
      await this.outbox.send(g.chipId, 'grant.revoke', body);
      return g.grantId;
    } catch (e) {
      this.logger.warn(`grant.revoke to ${g.chipId} failed: ${e instanceof Error ? e.message : String(e)}`);
      await this.grants.clearRevokeSent(g.grantId).catch(() => undefined);
      return null;
    }
  }
}
