import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { isUuid } from '../common/validation/uuid';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PgListener } from '../database/pg-listener';
import { GrantFilter } from './grants.repository';
import { RevocationService } from './revocation.service';

/** Must equal the channel of the triggers in migration 1763900900000-RevocationTriggers. */
export const REVOCATION_CHANNEL = 'arcgate_revocations';
export const REVOCATION_LISTENER_APPLICATION_NAME = 'arcgate-revocation-listener';

const REGION_PATH = /^\/(\d{2,12}\/)+$/;

/** What a trigger announced → the live grants to re-check. Null for anything malformed. */
export function filterOfNotification(payload: string): GrantFilter | null {
  let v: { kind?: unknown; id?: unknown };
  try {
    v = JSON.parse(payload) as typeof v;
  } catch {
    return null;
  }
  if (typeof v?.id !== 'string') return null;
  const id = v.id;
  switch (v.kind) {
    case 'permit':
      return isUuid(id) ? { permitId: id } : null;
    case 'machine':
      return isUuid(id) ? { machineId: id } : null;
    case 'welder':
      return isUuid(id) ? { welderId: id } : null;
    case 'enterprise':
      return isUuid(id) ? { enterpriseId: id } : null;
    case 'region':
      return REGION_PATH.test(id) ? { regionPath: id } : null;
    default:
      return null;
  }
}

/**
 * Immediate revocation: database triggers NOTIFY on commit of a change that can end a grant
 * (permit cancelled, machine suspended, code or certificate revoked, enterprise suspended, blackout
 * declared); this LISTENs and re-checks the affected live grants at once.
 *
 * Every replica hears every notification and runs the same check. That is safe: marking a grant
 * revoked is a conditional UPDATE ... WHERE revoked_at IS NULL RETURNING, so exactly one replica
 * wins each grant and only the winner sends grant.revoke (a duplicate would be harmless anyway:
 * the device de-duplicates by message id and ignores a revoke for a grant it no longer holds).
 * After a lost connection the listener runs a full sweep, since notifications sent meanwhile are
 * gone; the periodic sweep of RevocationService remains the safety net behind both.
 */
@Injectable()
export class RevocationListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationListener');
  private readonly listener: PgListener;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly revocation: RevocationService,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {
    this.listener = new PgListener({
      databaseUrl: config.databaseUrl,
      channel: REVOCATION_CHANNEL,
      applicationName: REVOCATION_LISTENER_APPLICATION_NAME,
      onNotification: (payload) => this.onNotification(payload),
      onConnected: (first) => (first ? undefined : this.catchUp()),
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

  private async onNotification(payload: string): Promise<void> {
    const filter = filterOfNotification(payload);
    if (!filter) {
      this.logger.warn(`ignored revocation notification ${payload.slice(0, 200)}`);
      return;
    }
    try {
      await this.revocation.revokeAffected(filter);
    } catch (e) {
      // The sweep retries within seconds; a failure here only loses the head start.
      this.logger.warn(`revocation for ${payload} failed: ${(e as Error).message}`);
    }
  }

  private async catchUp(): Promise<void> {
    await this.revocation.sweep();
  }
}
