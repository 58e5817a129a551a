import { Injectable } from '@nestjs/common';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { ChipsService } from './chips.service';
import { DeviceAlerts } from '../device-core/device-alerts';
import { DEVICE_RATE_LIMITS, RateClass } from './rate-limiter';

/** A chip quiet (nothing refused) for this long ends its flood episode; the next refusal starts a new count. */
export const FLOOD_EPISODE_GAP_MS = 10 * 60_000;
const MAX_EPISODES = 50_000;

interface Episode {
  firstAt: Date;
  lastAt: Date;
  refused: number;
  byType: Record<string, number>;
}

/**
 * Turns rate-limited messages into one DEVICE_FLOOD alert per chip and episode. Each refusal only
 * bumps counters in memory and hands the alert to DeviceAlerts, which writes the first at once and
 * aggregates the rest into one write per minute: a flood costs no database work per message.
 */
@Injectable()
export class FloodWatch {
  private readonly episodes = new Map<string, Episode>();

  constructor(
    private readonly alerts: DeviceAlerts,
    private readonly chips: ChipsService,
    private readonly clock: Clock,
  ) {}

  refused(chipId: string, type: string, cls: RateClass): void {
    const now = this.clock.now();
    let e = this.episodes.get(chipId);
    if (!e || now.getTime() - e.lastAt.getTime() > FLOOD_EPISODE_GAP_MS) {
      if (this.episodes.size >= MAX_EPISODES) this.episodes.clear();
      e = { firstAt: now, lastAt: now, refused: 0, byType: {} };
      this.episodes.set(chipId, e);
    }
    e.refused++;
    e.lastAt = now;
    e.byType[type] = (e.byType[type] ?? 0) + 1;
    const episode = e;
    // The bound chip is behind the gateway's short cache: no query per refused message.
    void this.chips.findBoundByChipId(chipId).then(
      (bound) =>
        this.alerts.raise({
          type: AlertType.DEVICE_FLOOD,
          chipId,
          enterpriseId: bound?.enterpriseId ?? null,
          machineId: bound?.machineId ?? null,
          occurredAt: now,
          evidence: {
            chipId,
            refused: episode.refused,
            byType: { ...episode.byType },
            firstAt: episode.firstAt.toISOString(),
            lastAt: episode.lastAt.toISOString(),
            limit: { class: cls, ...DEVICE_RATE_LIMITS[cls] },
          },
          dedupeKey: `device:flood:${chipId}`,
        }),
      () => undefined,
    );
  }
}
