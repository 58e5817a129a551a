import { join, resolve } from 'node:path';
import { AppConfig, resolveArchiveDir, resolveMapConfig, validateEnvironment } from '../config/app-config';
import { resolveNotifyConfig } from '../config/notify-config';
import { parseTrustProxy } from '../config/trust-proxy';
import { resolveSecrets } from '../config/secrets';
import { SERVER_MQTT_USERNAME, serverMqttPasswordFor } from '../mqtt/mqtt-connection';
import { EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';

export interface Infrastructure {
  config: AppConfig;
  broker?: EmbeddedBroker;
  database?: EmbeddedDatabase;
  stop(): Promise<void>;
}

/** Repository root: server/dist/bootstrap or server/src/bootstrap → three levels up. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Validates the environment and starts what is not given externally: PostgreSQL when DATABASE_URL
 * is unset, an aedes broker when MQTT_URL is unset.
 */
export async function resolveInfrastructure(
  env: Record<string, string | undefined>,
  opts: { startBroker?: boolean } = {},
): Promise<Infrastructure> {
  const vars = validateEnvironment(env);
  const map = resolveMapConfig(vars);
  const notify = resolveNotifyConfig(vars);
  const dataDir = resolve(vars.DATA_DIR ?? join(REPO_ROOT, '.data'));
  const secrets = resolveSecrets(vars, dataDir);
  const archiveDir = resolveArchiveDir(resolve(vars.EVENT_ARCHIVE_DIR ?? join(dataDir, 'archive', 'device-events')));

  const database = vars.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres(join(dataDir, 'pg'), vars.EMBEDDED_PG_PORT);
  let broker: EmbeddedBroker | undefined;
  try {
    broker =
      vars.MQTT_URL || opts.startBroker === false
        ? undefined
        : await startEmbeddedBroker(vars.MQTT_PORT, {
            username: SERVER_MQTT_USERNAME,
            password: serverMqttPasswordFor(secrets.jwt),
          });
  } catch (e) {
    await database?.stop();
    throw e;
  }

  const config: AppConfig = {
    nodeEnv: vars.NODE_ENV,
    serverRole: vars.SERVER_ROLE ?? 'all',
    port: vars.PORT,
    host: vars.HOST,
    databaseUrl: vars.DATABASE_URL ?? database!.url,
    mqtt: {
      url: vars.MQTT_URL ?? broker?.url ?? '',
      embedded: !vars.MQTT_URL,
      topicRoot: vars.MQTT_TOPIC_ROOT,
      tls:
        vars.MQTT_CA_FILE && vars.MQTT_CLIENT_CERT_FILE && vars.MQTT_CLIENT_KEY_FILE
          ? { caFile: vars.MQTT_CA_FILE, certFile: vars.MQTT_CLIENT_CERT_FILE, keyFile: vars.MQTT_CLIENT_KEY_FILE }
          : undefined,
    },
    devicePki: {
      caCertFile: vars.DEVICE_CA_CERT_FILE,
      caKeyFile: vars.DEVICE_CA_KEY_FILE,
      crlFile: vars.DEVICE_CRL_FILE,
      certValidityDays: vars.DEVICE_CERT_VALIDITY_DAYS,
      certValiditySeconds: vars.DEVICE_CERT_VALIDITY_S,
      renewMinIntervalS: vars.DEVICE_CERT_RENEW_MIN_INTERVAL_S,
      supersededGraceS: vars.DEVICE_CERT_SUPERSEDED_GRACE_S,
      crlReloadCommand: vars.DEVICE_CRL_RELOAD_COMMAND,
    },
    publicBaseUrl: (vars.PUBLIC_BASE_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    dataDir,
    secrets,
    jwtTtlSeconds: vars.JWT_TTL_SECONDS,
    loginRateLimitPerMinute: vars.LOGIN_RATE_LIMIT_PER_MINUTE,
    loginLockout: { maxFailures: vars.LOGIN_LOCKOUT_MAX_FAILURES, windowS: vars.LOGIN_LOCKOUT_WINDOW_S },
    session: { idleTimeoutS: vars.SESSION_IDLE_TIMEOUT_S, maxAgeS: vars.SESSION_MAX_AGE_S },
    totpRequired: vars.TOTP_REQUIRED === 'true',
    hotPathPoolSize: vars.DATABASE_HOT_POOL_SIZE,
    reporting: {
      poolSize: vars.DATABASE_REPORTING_POOL_SIZE,
      statementTimeoutMs: vars.REPORTING_STATEMENT_TIMEOUT_MS,
      overviewCacheS: vars.REPORTING_OVERVIEW_CACHE_S,
      censusRefreshS: vars.REPORTING_CENSUS_REFRESH_S,
    },
    heapGrowingPercent: vars.HEAP_GROWING_PERCENT,
    trustProxy: vars.TRUST_PROXY === undefined ? undefined : (parseTrustProxy(vars.TRUST_PROXY) ?? undefined),
    logLevel: vars.LOG_LEVEL,
    seedDemoData: vars.SEED_DEMO_DATA,
    welderPhotoPublic: vars.WELDER_PHOTO_PUBLIC === 'true',
    onsiteCheckAfterS: vars.ONSITE_CHECK_AFTER_S,
    loginHistoryRetentionDays: vars.LOGIN_HISTORY_RETENTION_DAYS,
    eventArchive: { retentionMonths: vars.EVENT_RETENTION_MONTHS, dir: archiveDir },
    onlineDaysRollup: { intervalS: vars.ONLINE_DAYS_ROLLUP_INTERVAL_S, graceS: vars.ONLINE_DAYS_ROLLUP_GRACE_S },
    offPlatformRankingRefreshS: vars.OFF_PLATFORM_RANKING_REFRESH_S,
    map,
    faultPoints: vars.ARCGATE_FAULT_POINTS,
    clockOffsetFile: vars.ARCGATE_CLOCK_OFFSET_FILE,
    // validateEnvironment has refused a configuration with problems already.
    ...(notify as Exclude<typeof notify, { problems: string[] }>),
  };
  return {
    config,
    broker,
    database,
    async stop() {
      await broker?.stop();
      await database?.stop();
    },
  };
}
