import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HEARTBEAT_INTERVAL_S, OFFLINE_AFTER_MISSED_HEARTBEATS } from '@arcgate/protocol';
import { DataSource } from 'typeorm';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { BoundChip, ChipsRepository } from './chips.repository';
import { DeviceAlerts } from './device-alerts';

export const PRESENCE_CHECK_MS = 30_000;
export const SILENCE_LIMIT_MS = HEARTBEAT_INTERVAL_S * OFFLINE_AFTER_MISSED_HEARTBEATS * 1000;

export type OfflineCause = 'will' | 'shutdown' | 'missed_heartbeats';

/**
 * Online/offline. The broker's last will marks a device offline at once; a device whose will was
 * lost is found by the periodic check after three missed heartbeats. Going offline while a permit
 * naming the machine is in force raises DEVICE_OFFLINE_DURING_PERMIT.
 */
@Injectable()
export class DevicePresence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('DevicePresence');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly chips: ChipsRepository,
    private readonly alerts: DeviceAlerts,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep().catch((e: Error) => this.logger.error(`presence check failed: ${e.message}`)), PRESENCE_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Marks silent devices offline; returns their chip ids. */
  async sweep(): Promise<string[]> {
    const now = this.clock.now();
    const silent = await this.chips.findSilentOnline(new Date(now.getTime() - SILENCE_LIMIT_MS));
    const marked: string[] = [];
    for (const chipId of silent) {
      if (!(await this.chips.markOffline(chipId, now))) continue;
      marked.push(chipId);
      const bound = await this.chips.findBoundByChipId(chipId);
      if (bound) await this.wentOffline(bound, 'missed_heartbeats');
    }
    return marked;
  }

  async wentOffline(chip: BoundChip, cause: OfflineCause): Promise<void> {
    const now = this.clock.now();
    const permits: { id: string }[] = await this.ds.query(
      `SELECT p.id::text AS id FROM permits p JOIN permit_machines pm ON pm.permit_id = p.id
       WHERE pm.machine_id = $1 AND p.status = 'approved' AND p.planned_start <= $2 AND p.planned_end > $2`, [chip.machineId, now]);
    for (const p of permits) {
      await this.alerts.raise({
        type: AlertType.DEVICE_OFFLINE_DURING_PERMIT, enterpriseId: chip.enterpriseId, machineId: chip.machineId, chipId: chip.chipId, permitId: p.id, occurredAt: now,
        evidence: { chipId: chip.chipId, cause, at: now.toISOString() }, dedupeKey: `device:offline:${chip.chipId}:${p.id}`,
      });
    }
  }
}
