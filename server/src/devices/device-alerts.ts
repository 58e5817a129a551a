import { Injectable, Logger } from '@nestjs/common';
import { AlertType } from '../alerts/alert-type';
import { AlertsService, RaiseAlertInput } from '../alerts/alerts.service';
import { Clock } from '../common/clock/clock';

/**
 * Raises device alerts without ever throwing into the message path. Repeats of one dedupe key are
 * passed on at most once per REPEAT_MS, so a device (or an attacker) flooding the broker cannot turn
 * every message into an alert upsert plus an audit row.
 */
export const REPEAT_MS = 60_000;
const MAX_KEYS = 50_000;

@Injectable()
export class DeviceAlerts {
  private readonly logger = new Logger('DeviceAlerts');
  private readonly lastRaised = new Map<string, number>();

  constructor(private readonly alerts: AlertsService, private readonly clock: Clock) {}

  /** True when the alert was passed to AlertsService (not throttled) and recorded. */
  async raise(input: RaiseAlertInput & { dedupeKey: string }): Promise<boolean> {
    const now = this.clock.now().getTime();
    const last = this.lastRaised.get(input.dedupeKey);
    if (last !== undefined && now - last < REPEAT_MS && now >= last) return false;
    if (this.lastRaised.size > MAX_KEYS) this.lastRaised.clear();
    this.lastRaised.set(input.dedupeKey, now);
    try {
      await this.alerts.raise(input);
      return true;
    } catch (e) {
      this.lastRaised.delete(input.dedupeKey);
      this.logger.error(`could not raise ${input.type} (${input.dedupeKey}): ${(e as Error).message}`);
      return false;
    }
  }

  unregistered(chipId: string, evidence: Record<string, unknown>): Promise<boolean> {
    return this.raise({ type: AlertType.UNREGISTERED_DEVICE, chipId, enterpriseId: null, evidence: { chipId, ...evidence }, dedupeKey: `device:unregistered:${chipId}` });
  }
}
