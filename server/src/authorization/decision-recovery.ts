import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ARM_ANSWER_CACHE_MS } from '@arcgate/protocol';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { AuthorizationRepository } from './authorization.repository';
import { CLAIM_IN_FLIGHT_MAX_MS } from './authorization.service';
import { NONCE_RETENTION_MS } from './decision-rules';

export interface RecoveryResult {
  orphaned: number;
  completed: number;
}

/**
 * No decision lost across a crash. A crash between claiming a request's nonce and storing its
 * decision leaves the claim (the record) without a decision. At start-up such claims are marked
 * orphaned, so the device's retry is decided afresh at once (AuthorizationService.earlierAnswer);
 * once no retry can come any more (ARM_ANSWER_CACHE_MS after the claim) recovery completes the
 * record with a stored SERVER_ERROR denial, audited. Idempotent, so every replica may run it.
 */
@Injectable()
export class DecisionRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DecisionRecovery');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: AuthorizationRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    // In the background: start-up is not held up by a day of claims, and a retry that comes first is
    // covered by the age rule of AuthorizationService.earlierAnswer anyway.
    void this.recover().catch((e: Error) =>
      this.logger.error(`start-up recovery of arm decisions failed: ${e.message}`),
    );
    // The claims marked now can be completed only after their retry window.
    this.timer = setTimeout(
      () =>
        void this.completeOrphans().catch((e: Error) =>
          this.logger.error(`completing orphan claims failed: ${e.message}`),
        ),
      ARM_ANSWER_CACHE_MS + 5_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  async recover(): Promise<RecoveryResult> {
    const now = this.clock.now();
    const orphaned = await this.repo.markOrphanClaims(
      new Date(now.getTime() - NONCE_RETENTION_MS),
      new Date(now.getTime() - CLAIM_IN_FLIGHT_MAX_MS),
      now,
    );
    if (orphaned)
      this.logger.warn(
        `${orphaned} arm request claim(s) had no stored decision (lost with a crash): a retry is decided afresh`,
      );
    return { orphaned, completed: await this.completeOrphans() };
  }

  /** Stores a denial for orphaned claims whose retry window has passed; returns how many. */
  async completeOrphans(): Promise<number> {
    const now = this.clock.now();
    const done = await this.ds.transaction(async (em) => {
      const recovered = await this.repo.completeOrphanClaims(em, new Date(now.getTime() - ARM_ANSWER_CACHE_MS), now);
      for (const d of recovered) {
        await this.audit.record(em, SYSTEM_ACTOR, {
          action: 'decision.recover',
          entityType: 'decision',
          entityId: d.id,
          enterpriseId: d.enterpriseId,
          regionPath: d.regionPath,
          before: null,
          after: {
            allowed: false,
            reason: 'SERVER_ERROR',
            chipId: d.chipId,
            machineId: d.machineId,
            requestId: d.requestId,
            claimedAt: new Date(d.at).toISOString(),
            why: 'claimed, never decided (crash); no retry came',
          },
        });
      }
      return recovered.length;
    });
    if (done) this.logger.warn(`${done} orphaned arm request claim(s) completed with a stored SERVER_ERROR denial`);
    return done;
  }
}
