import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CHIP_ID_PATTERN } from '@arcgate/protocol';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PgListener } from '../database/pg-listener';
import { ChipsService } from './chips.service';

/** Must equal CHANNEL in migrations/1796470000000-ChipUnbindNotify.ts. */
export const CHIP_UNBOUND_CHANNEL = 'arcgate_chip_unbound';
export const CHIP_UNBOUND_LISTENER_APPLICATION_NAME = 'arcgate-chip-unbound-listener';

/**
 * Every replica hears, on commit, that a chip left its machine (a trigger on machines.chip_id) and
 * forgets its cached binding at once, so an unbind on one replica is not undone by another's cache.
 * After a lost connection the notifications sent meanwhile are gone: the whole cache is dropped.
 */
@Injectable()
export class ChipUnboundListener implements OnModuleInit, OnApplicationShutdown {
  private readonly listener: PgListener;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly chips: ChipsService,
  ) {
    this.listener = new PgListener({
      databaseUrl: config.databaseUrl,
      channel: CHIP_UNBOUND_CHANNEL,
      applicationName: CHIP_UNBOUND_LISTENER_APPLICATION_NAME,
      onNotification: async (payload) => {
        if (CHIP_ID_PATTERN.test(payload)) this.chips.forgetUnbound(payload);
      },
      onConnected: (first) => {
        if (!first) this.chips.forgetAll();
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  get listening(): boolean {
    return this.listener.listening;
  }
}
