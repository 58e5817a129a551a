import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import {
  DeviceState,
  HARDWARE_WATCHDOG_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_S,
  OFFLINE_AFTER_MISSED_HEARTBEATS,
} from '@arcgate/protocol';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { PeriodicWorker } from '../common/scheduling/periodic-worker';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BoundChip, ChipsRepository } from './chips.repository';
import { DeviceAlerts } from '../device-core/device-alerts';

export const PRESENCE_CHECK_MS = 30_000;
export const SILENCE_LIMIT_MS = HEARTBEAT_INTERVAL_S * OFFLINE_AFTER_MISSED_HEARTBEATS * 1000;
export const DEFAULT_ONSITE_CHECK_AFTER_S = 600;
/** The clock moved this much more (or less) than monotonic time between two checks: it jumped. */
export const CLOCK_JUMP_MS = 60_000;

export type OfflineCause = 'will' | 'shutdown' | 'missed_heartbeats';

/** The states in which the relay is closed: going offline in one of them is a safety matter. */
const RELAY_CLOSED_STATES: ReadonlySet<DeviceState | null> = new Set<DeviceState | null>(['armed', 'arcing']);

/**
 * Online/offline. The broker's last will marks a device offline at once; a device whose will was
 * lost is found by the periodic check after three missed heartbeats. Going offline while a permit
 * naming the machine is in force raises DEVICE_OFFLINE_DURING_PERMIT. Going offline while the last
 * known state was armed or arcing raises the critical DEVICE_OFFLINE_ARMED: nobody can see the relay
 * any more, and only the board's hardware watchdog stands between the machine and an uncontrolled
 * arc. Still away ONSITE_CHECK_AFTER_S later, it escalates to DEVICE_ONSITE_CHECK.
 */
@Injectable()
export class DevicePresence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('DevicePresence');
  private readonly checker = new PeriodicWorker({
    what: 'presence check',
    everyMs: PRESENCE_CHECK_MS,
    logger: this.logger,
    run: () => this.tick(),
  });
  private readonly onsiteCheckAfterMs: number;

  constructor(
    private readonly chips: ChipsRepository,
    private readonly alerts: DeviceAlerts,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {
    this.onsiteCheckAfterMs = (config.onsiteCheckAfterS ?? DEFAULT_ONSITE_CHECK_AFTER_S) * 1000;
  }

  /** Monotonic milliseconds (replaced in unit tests). */
  monotonicNow: () => number = () => performance.now();
  private lastTick?: { clock: number; monotonic: number };

  onModuleInit(): void {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    this.checker.start();
  }

  /**
   * The periodic check. When the server's clock jumped since the last one (an NTP step, a test's
   * clock offset), every device's last message looks old at once: that check is skipped, rather than
   * marking live devices offline (and raising critical alerts for armed ones); the next one judges.
   */
  async tick(): Promise<string[] | null> {
    const now = { clock: this.clock.now().getTime(), monotonic: this.monotonicNow() };
    const last = this.lastTick;
    this.lastTick = now;
    if (last && Math.abs(now.clock - last.clock - (now.monotonic - last.monotonic)) > CLOCK_JUMP_MS) {
      this.logger.warn(
        `server clock jumped by ${Math.round(now.clock - last.clock - (now.monotonic - last.monotonic))} ms: presence check skipped once`,
      );
      return null;
    }
    return this.sweep();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checker.stop();
  }

  /** Marks silent devices offline (returns their chip ids) and escalates long offline-while-armed episodes. */
  async sweep(): Promise<string[]> {
    const now = this.clock.now();
    const silent = await this.chips.findSilentOnline(new Date(now.getTime() - SILENCE_LIMIT_MS));
    const marked: string[] = [];
    for (const chipId of silent) {
      const was = await this.chips.markOffline(chipId, now);
      if (!was) continue;
      marked.push(chipId);
      const bound = await this.chips.findBoundByChipId(chipId);
      if (bound) await this.wentOffline(bound, 'missed_heartbeats', was.state);
    }
    await this.escalate(now);
    return marked;
  }

  /** `lastState`: what the chip was last known to be doing when it went offline. */
  async wentOffline(chip: BoundChip, cause: OfflineCause, lastState: DeviceState | null): Promise<void> {
    const now = this.clock.now();
    // A grant issued after the last state the device reported may have armed it before that status
    // arrived (a device that drops right after a grant): treat it as armed, never as locked.
    const unconfirmedGrant =
      !RELAY_CLOSED_STATES.has(lastState) && (await this.chips.hasLiveGrantNewerThanState(chip.chipId, now));
    if (RELAY_CLOSED_STATES.has(lastState) || unconfirmedGrant) {
      await this.alerts.raise({
        type: AlertType.DEVICE_OFFLINE_ARMED,
        enterpriseId: chip.enterpriseId,
        machineId: chip.machineId,
        chipId: chip.chipId,
        occurredAt: now,
        evidence: {
          chipId: chip.chipId,
          cause,
          lastState,
          ...(unconfirmedGrant ? { grantUnconfirmed: true } : {}),
          at: now.toISOString(),
          hardwareWatchdogTimeoutMs: HARDWARE_WATCHDOG_TIMEOUT_MS,
          onsiteCheckAfterS: this.onsiteCheckAfterMs / 1000,
          expected: 'hardware_watchdog_cut',
        },
        dedupeKey: `device:offline-armed:${chip.chipId}`,
      });
    }
    const permits: { id: string }[] = await this.ds.query(
      `SELECT p.id::text AS id FROM permits p JOIN permit_machines pm ON pm.permit_id = p.id
       WHERE pm.machine_id = $1 AND p.status = 'approved' AND p.planned_start <= $2 AND p.planned_end > $2`,
      [chip.machineId, now],
    );
    for (const p of permits) {
      await this.alerts.raise({
        type: AlertType.DEVICE_OFFLINE_DURING_PERMIT,
        enterpriseId: chip.enterpriseId,
        machineId: chip.machineId,
        chipId: chip.chipId,
        permitId: p.id,
        occurredAt: now,
        evidence: { chipId: chip.chipId, cause, lastState, at: now.toISOString() },
        dedupeKey: `device:offline:${chip.chipId}:${p.id}`,
      });
    }
  }

  /** Devices that went offline armed and have not come back within ONSITE_CHECK_AFTER_S: ask for someone to go and look. */
  private async escalate(now: Date): Promise<void> {
    const due = await this.chips.escalateOfflineArmed(new Date(now.getTime() - this.onsiteCheckAfterMs), now);
    for (const d of due) {
      const bound = await this.chips.findBoundByChipId(d.chipId);
      if (!bound) continue;
      await this.alerts.raise({
        type: AlertType.DEVICE_ONSITE_CHECK,
        enterpriseId: bound.enterpriseId,
        machineId: bound.machineId,
        chipId: d.chipId,
        occurredAt: now,
        evidence: {
          chipId: d.chipId,
          lastState: d.state,
          offlineSince: d.offlineSince.toISOString(),
          offlineMinutes: Math.floor((now.getTime() - d.offlineSince.getTime()) / 60_000),
          onsiteCheckAfterS: this.onsiteCheckAfterMs / 1000,
          action: 'onsite_check',
        },
        dedupeKey: `device:onsite-check:${d.chipId}`,
      });
    }
  }
}
