import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { MqttConnection } from '../mqtt/mqtt-connection';
import { CHIP_ID_PATTERN } from '@arcgate/protocol';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PgListener } from '../database/pg-listener';
import { ChipsService } from './chips.service';
import { DevicePki } from './pki/device-pki.service';

/** Must equal CHANNEL in migrations/1796470000000-ChipUnbindNotify.ts. */
export const CHIP_UNBOUND_CHANNEL = 'arcgate_chip_unbound';
export const CHIP_UNBOUND_LISTENER_APPLICATION_NAME = 'arcgate-chip-unbound-listener';
/** Must equal MOVED_PREFIX in migrations/1796900001000-ChipMovedNotify.ts. */
export const CHIP_MOVED_PREFIX = 'moved:';

/**
 * Every replica hears, on commit, that a chip left its machine (a trigger on machines.chip_id) and
 * forgets its cached binding at once, so an unbind on one replica is not undone by another's cache;
 * also that a bound machine changed enterprise ('moved:<chip>', a trigger on machines.enterprise_id).
 * While it listens, ChipsService keeps bindings for minutes instead of seconds.
 * After a lost connection the notifications sent meanwhile are gone: the whole cache is dropped.
 * Each notification also rewrites the device CRL (its certificates were revoked by a trigger in the
 * same transaction), on every replica: each one keeps its own CRL file for the broker next to it.
 */
@Injectable()
export class ChipUnboundListener implements OnModuleInit, OnApplicationShutdown {
  private readonly listener: PgListener;
  private readonly logger = new Logger('ChipUnboundListener');

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly chips: ChipsService,
    private readonly pki: DevicePki,
    private readonly mqtt: MqttConnection,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {
    this.listener = new PgListener({
      databaseUrl: config.databaseUrl,
      channel: CHIP_UNBOUND_CHANNEL,
      applicationName: CHIP_UNBOUND_LISTENER_APPLICATION_NAME,
      onNotification: async (payload) => {
        // The machine changed enterprise: the binding stands (no CRL, no eviction), its cached copy does not.
        if (payload.startsWith(CHIP_MOVED_PREFIX)) {
          const moved = payload.slice(CHIP_MOVED_PREFIX.length);
          if (CHIP_ID_PATTERN.test(moved)) this.chips.forgetMoved(moved);
          return;
        }
        if (!CHIP_ID_PATTERN.test(payload)) return;
        this.chips.forgetUnbound(payload);
        // The trigger revoked its certificates in the same transaction: publish the new CRL, then end
        // the chip's live session on a certificate broker (it would otherwise outlive the revocation).
        void this.pki
          .regenerateCrl()
          .then(() =>
            this.mqtt
              .evictDeviceSession(payload)
              .catch((e: Error) => this.logger.warn(`session of unbound chip ${payload} not ended: ${e.message}`)),
          );
      },
      onConnected: (first) => {
        if (!first) {
          this.chips.forgetAll();
          void this.pki.regenerateCrl();
        }
        // From here every unbind and move is heard: cached bindings may be kept long.
        this.chips.invalidationsLive(true);
      },
      onLost: () => this.chips.invalidationsLive(false),
    });
  }

  async onModuleInit(): Promise<void> {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  get listening(): boolean {
    return this.listener.listening;
  }
}
