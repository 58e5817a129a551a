import { Injectable, Logger } from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { isUuid } from '../common/validation/uuid';
import { AuthorizationRepository } from './authorization.repository';
import { Decision } from './decision';
import {
  REMOTE_START_MAX_DISTANCE_M,
  REPEATED_DENIALS_THRESHOLD,
  REPEATED_DENIALS_WINDOW_MS,
  UNLICENSED_REASONS,
} from './decision-rules';

/**
 * Alerts that follow from decisions. Raised after the device has its answer, so the audit-chained
 * alert write never sits on the authorization round trip; a failure here is logged, never thrown.
 */
@Injectable()
export class DecisionAlerts {
  private readonly logger = new Logger('DecisionAlerts');

  constructor(
    private readonly alerts: AlertsService,
    private readonly repo: AuthorizationRepository,
  ) {}

  async afterDecision(d: Decision): Promise<void> {
    if (d.allowed) return;
    const ids = {
      enterpriseId: d.enterpriseId,
      machineId: isUuid(d.machineId) ? d.machineId : null,
      welderId: d.welderId,
      permitId: d.permitId,
      chipId: d.chipId,
      occurredAt: d.at,
    };
    try {
      if (UNLICENSED_REASONS.has(d.reason)) {
        await this.alerts.raise({
          type: AlertType.UNLICENSED_ATTEMPT,
          ...ids,
          dedupeKey: `unlicensed:${ids.machineId ?? d.chipId}:${d.welderId ?? '-'}`,
          evidence: {
            reason: d.reason,
            message: d.message['zh-CN'],
            welderName: d.welderName,
            source: d.source,
            decisionId: d.id,
          },
        });
      }
      if (ids.machineId) {
        const since = new Date(d.at.getTime() - REPEATED_DENIALS_WINDOW_MS);
        const count = await this.repo.countDenialsSince(ids.machineId, since);
        if (count >= REPEATED_DENIALS_THRESHOLD) {
          await this.alerts.raise({
            type: AlertType.REPEATED_DENIALS,
            ...ids,
            dedupeKey: `repeated-denials:${ids.machineId}`,
            evidence: {
              denials: count,
              windowMinutes: REPEATED_DENIALS_WINDOW_MS / 60_000,
              lastReason: d.reason,
              decisionId: d.id,
            },
          });
        }
      }
    } catch (e) {
      this.logger.warn(`alert after decision ${d.id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A phone start from farther than REMOTE_START_MAX_DISTANCE_M from the machine (or the permit's site). */
  async remoteStart(d: Decision, distanceM: number, reference: 'machine' | 'permit_site'): Promise<void> {
    if (distanceM <= REMOTE_START_MAX_DISTANCE_M) return;
    try {
      await this.alerts.raise({
        type: AlertType.REMOTE_START_FAR_AWAY,
        enterpriseId: d.enterpriseId,
        machineId: d.machineId,
        welderId: d.welderId,
        permitId: d.permitId,
        chipId: d.chipId,
        occurredAt: d.at,
        dedupeKey: `remote-start:${d.machineId}:${d.welderId}`,
        evidence: {
          distanceM: Math.round(distanceM),
          thresholdM: REMOTE_START_MAX_DISTANCE_M,
          reference,
          allowed: d.allowed,
          reason: d.reason,
          welderName: d.welderName,
          decisionId: d.id,
        },
      });
    } catch (e) {
      this.logger.warn(`REMOTE_START_FAR_AWAY for ${d.id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
