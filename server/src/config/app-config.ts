import { plainToInstance, Transform, Type } from 'class-transformer';
import type { KeyObject } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { parseTrustProxy, TRUST_PROXY_HINT, TrustProxy } from './trust-proxy';
import { SERVER_ROLES, ServerRole } from './server-role';
import { parseFaultPoints } from '../common/fault/fault-points';
import { NotificationsConfig, resolveNotifyConfig, SmsConfig } from './notify-config';
import {
  DEMO_BOUNDARIES_FILE,
  loadRegionBoundaries,
  MAP_TILE_PROVIDERS,
  MapConfig,
  MapTileProvider,
} from './map-config';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';

/** Default for HEAP_GROWING_PERCENT: after a full collection the heap may grow to twice its live size. */
export const DEFAULT_HEAP_GROWING_PERCENT = 100;

/** Log-in spray limits (auth/login-spray-limiter.ts applies them; defaults there). */
export interface LoginSprayLimits {
  /** Sliding window over which failed log-ins of one source address are counted. */
  windowS: number;
  /** Failed log-ins from one address, across all user names, that close log-in for that address. */
  maxFailures: number;
  /** Distinct user names that failed from one address (password spraying) that close it too. */
  maxUsernames: number;
}

/** Per-account lockout: failures of one user name in a sliding window (auth/login-spray-limiter.ts). */
export interface AccountLockoutLimits {
  windowS: number;
  maxFailures: number;
}

/** Environment variables the server understands; validated once at start-up. */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** External PostgreSQL; when absent an embedded PostgreSQL is started. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54320;

  /** Connections of the pool that serves device requests (arm decisions); default 2 per CPU core, at least 4. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  DATABASE_HOT_POOL_SIZE?: number;

  /** Connections of the reporting pool (database/reporting-pool.ts): overview, census, exports. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  DATABASE_REPORTING_POOL_SIZE?: number;

  /** statement_timeout of the reporting pool, ms: a runaway report is cancelled, not left to hold a core. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  REPORTING_STATEMENT_TIMEOUT_MS?: number;

  /** Seconds an overview (stats/stats.service.ts) is reused for the same scope; 0: only concurrent refreshes share one. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  REPORTING_OVERVIEW_CACHE_S?: number;

  /** Seconds between counts of the regulators' pre-aggregated census (stats/census); at least twenty times a count's own time. 0: no census, every overview counted live. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  REPORTING_CENSUS_REFRESH_S?: number;

  /** V8 heap growing factor minus one, in percent (bootstrap/heap-growth.ts); 0 keeps V8's own. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(400)
  HEAP_GROWING_PERCENT = DEFAULT_HEAP_GROWING_PERCENT;

  /** Reverse proxies to believe for the client address (rate limits key on it); unset: none, req.ip is the peer. */
  @IsOptional()
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseTrustProxy(v) !== null,
      defaultMessage: () => `TRUST_PROXY must be ${TRUST_PROXY_HINT}`,
    },
  })
  TRUST_PROXY?: string;

  /** External MQTT broker; when absent an in-process aedes broker is started. */
  @IsOptional()
  @Matches(/^(mqtt|mqtts|ws|wss|tcp):\/\/.+/, { message: 'MQTT_URL must be an mqtt:// URL' })
  MQTT_URL?: string;

  /**
   * What this process runs (bootstrap/server-role.ts): the device plane, the HTTP API, or both. Unset
   * with the embedded broker: main.ts launches one device and one api process; unset with MQTT_URL: all.
   */
  @IsOptional()
  @IsIn(SERVER_ROLES, { message: `SERVER_ROLE must be one of ${SERVER_ROLES.join(', ')}` })
  SERVER_ROLE?: ServerRole;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  MQTT_PORT = 18830;

  /** mqtts with client certificates (the service listener of `npm run broker:config -- mosquitto`): all three or none. */
  @IsOptional()
  @IsString()
  MQTT_CA_FILE?: string;

  @IsOptional()
  @IsString()
  MQTT_CLIENT_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  MQTT_CLIENT_KEY_FILE?: string;

  /** The device CA, supplied (production); unset: generated into DATA_DIR/pki on first start. Both or none. */
  @IsOptional()
  @IsString()
  DEVICE_CA_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  DEVICE_CA_KEY_FILE?: string;

  /** Where the device CRL is written (the broker's crlfile); default DATA_DIR/pki/device-ca.crl. */
  @IsOptional()
  @IsString()
  DEVICE_CRL_FILE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  DEVICE_CERT_VALIDITY_DAYS = 730;

  /** Validity in seconds, overriding DEVICE_CERT_VALIDITY_DAYS: for tests that watch a renewal happen. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3650 * 86400)
  DEVICE_CERT_VALIDITY_S?: number;

  /** At most one renewed certificate per chip in this many seconds (docs/protocol.md §3.4). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365 * 86400)
  DEVICE_CERT_RENEW_MIN_INTERVAL_S = 86400;

  /** A certificate superseded by a renewal stays valid this long, then goes on the CRL. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365 * 86400)
  DEVICE_CERT_SUPERSEDED_GRACE_S = 7 * 86400;

  /** Command run after each CRL rewrite so the broker re-reads it (Mosquitto: kill -HUP <pid>). */
  @IsOptional()
  @IsString()
  DEVICE_CRL_RELOAD_COMMAND?: string;

  @Matches(/^[a-z0-9][a-z0-9_-]{0,31}$/, { message: 'MQTT_TOPIC_ROOT must be 1-32 lowercase letters, digits, _ or -' })
  MQTT_TOPIC_ROOT = 'arcgate';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL?: string;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, { message: 'CODE_SIGNING_KEY must be 64 hex characters' })
  CODE_SIGNING_KEY?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, { message: 'DATA_ENCRYPTION_KEY must be 64 hex characters' })
  DATA_ENCRYPTION_KEY?: string;

  /** Ed25519 private key (base64 PKCS#8 DER) with which the server signs grants for devices. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/=]{40,200}$/, { message: 'DEVICE_SIGNING_KEY must be a base64 PKCS#8 Ed25519 private key' })
  DEVICE_SIGNING_KEY?: string;

  /** Lifetime of an access token; the session behind it is renewed with a rotating refresh token (auth/sessions). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(3600)
  JWT_TTL_SECONDS = 900;

  /** A session with no request for this long expires (等保 idle time-out). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(24 * 3600)
  SESSION_IDLE_TIMEOUT_S = 1800;

  /** A session ends this long after log-in, however active (the refresh token's absolute lifetime). */
  @Type(() => Number)
  @IsInt()
  @Min(300)
  @Max(30 * 24 * 3600)
  SESSION_MAX_AGE_S = 12 * 3600;

  /** Failed log-ins of one account within LOGIN_LOCKOUT_WINDOW_S that lock it (until they leave the window). */
  @Type(() => Number)
  @IsInt()
  @Min(3)
  @Max(100)
  LOGIN_LOCKOUT_MAX_FAILURES = 5;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(24 * 3600)
  LOGIN_LOCKOUT_WINDOW_S = 900;

  /** "true": platform admins and regulators must use TOTP two-factor log-in (enrol at the next log-in). */
  @IsIn(['true', 'false'])
  TOTP_REQUIRED = 'false';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOGIN_RATE_LIMIT_PER_MINUTE = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(({ value }) => (value === undefined ? true : value === 'true' || value === '1' || value === true))
  SEED_DEMO_DATA = true;

  /**
   * Whether anonymous scanners of a welder's badge see the welder's approved photo (issue 14 §3): a
   * per-deployment privacy decision. Exactly "true" or "false"; off by default.
   */
  @IsIn(['true', 'false'])
  WELDER_PHOTO_PUBLIC = 'false';

  /** Seconds a device that went offline while armed or arcing may stay away before an on-site check is asked for. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  ONSITE_CHECK_AFTER_S = 600;

  /**
   * Raw device events (device_events) older than this many whole calendar months (UTC) are archived
   * to EVENT_ARCHIVE_DIR and dropped (telemetry/archive); arcs and decisions are kept.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1200)
  EVENT_RETENTION_MONTHS = 13;

  /**
   * Log-in attempts (the users' log-in history and the lockouts' record) older than this many days are deleted
   * by an hourly job. 180: the six months network logs must be kept (网络安全法 §21); lockouts look back 15 min.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  LOGIN_HISTORY_RETENTION_DAYS = 180;

  /** Where the monthly archives of device events are written; default DATA_DIR/archive/device-events. */
  @IsOptional()
  @IsString()
  EVENT_ARCHIVE_DIR?: string;

  /**
   * The launcher (`npm start` on the embedded default) kills and restarts a child whose health endpoint has
   * not answered for this many seconds: a hung event loop serves nothing, and only a restart brings it back.
   */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(600)
  LAUNCHER_HANG_TIMEOUT_S = 30;

  /** Seconds between counts of the off-platform ranking's signals for the default look-back (off-platform/ranking-signals.job.ts); at least twenty times a count's own time. 0: counted for every page. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  OFF_PLATFORM_RANKING_REFRESH_S?: number;

  /** Seconds between roll-ups of device events into the off-platform lists' online days (their freshness). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(3600)
  ONLINE_DAYS_ROLLUP_INTERVAL_S = 30;

  /** Seconds each online-days roll-up re-reads before its watermark: events committed late, replicas' clocks. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  ONLINE_DAYS_ROLLUP_GRACE_S = 60;

  /** Base-map tiles of the web map: none (boundaries only), Tianditu (天地图) or AMap (高德, GCJ-02). */
  @IsIn(MAP_TILE_PROVIDERS, { message: `MAP_TILES must be one of ${MAP_TILE_PROVIDERS.join(', ')}` })
  MAP_TILES: MapTileProvider = 'none';

  /** The tile provider's browser key (Tianditu tk / AMap key); required with MAP_TILES other than none. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9]{16,64}$/, { message: 'MAP_TILE_KEY must be 16-64 letters and digits' })
  MAP_TILE_KEY?: string;

  /** GeoJSON FeatureCollection of the region boundaries (properties.code = region code); default: the demo's when seeding. */
  @IsOptional()
  @IsString()
  MAP_BOUNDARIES_FILE?: string;

  /** Test only (docs/fault-injection.md): crash points, "name[:n],…". Refused in production. */
  @IsOptional()
  @ValidateBy({
    name: 'faultPoints',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && faultPointsProblem(v) === null,
      defaultMessage: (a) => `ARCGATE_FAULT_POINTS: ${faultPointsProblem(String(a?.value))}`,
    },
  })
  ARCGATE_FAULT_POINTS?: string;

  /** Test only: a file holding a clock offset in ms that the server's clock adds. Refused in production. */
  @IsOptional()
  @IsString()
  ARCGATE_CLOCK_OFFSET_FILE?: string;

  /** SMS provider (sms/): log (development: the server log) or http (the deployment's gateway, SMS_HTTP_*). */
  @IsIn(['log', 'http'], { message: 'SMS_PROVIDER must be log or http' })
  SMS_PROVIDER: 'log' | 'http' = 'log';

  /** The gateway's URL; may hold {phone} {text} placeholders (form-encoded). */
  @IsOptional()
  @IsString()
  SMS_HTTP_URL?: string;

  @IsIn(['POST', 'GET', 'PUT'], { message: 'SMS_HTTP_METHOD must be POST, GET or PUT' })
  SMS_HTTP_METHOD: 'POST' | 'GET' | 'PUT' = 'POST';

  /** JSON object of request headers (e.g. {"content-type":"application/json","authorization":"..."}). */
  @IsOptional()
  @IsString()
  SMS_HTTP_HEADERS?: string;

  /** Body template with {phone} {text} {purpose}, escaped for the content type (JSON, form or raw). */
  @IsOptional()
  @IsString()
  SMS_HTTP_BODY?: string;

  /** Regular expression the gateway's reply body must match for success (default: any 2xx). */
  @IsOptional()
  @IsString()
  SMS_HTTP_SUCCESS?: string;

  /** Regular expression whose first group is the gateway's message id in its reply. */
  @IsOptional()
  @IsString()
  SMS_HTTP_MESSAGE_ID?: string;

  /** E-mail notifications: smtp(s)://user:pass@host:port; unset: no e-mail channel. */
  @IsOptional()
  @IsString()
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  SMTP_FROM?: string;

  /** Plain http:// robot webhooks (development only; refused in production). */
  @IsIn(['true', 'false'])
  NOTIFY_WEBHOOK_ALLOW_HTTP: 'true' | 'false' = 'false';

  /** Robot webhooks on internal addresses (loopback, private, link-local): off unless an intranet deployment needs it. */
  @IsIn(['true', 'false'])
  NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true' | 'false' = 'false';

  /** Hour of the China day at which daily digests go out. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(23)
  NOTIFY_DIGEST_HOUR = 8;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function faultPointsProblem(spec: string): string | null {
  try {
    parseFaultPoints(spec);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export class ConfigError extends Error {}

/** The archive directory must exist (it is created) and be writable before the first month is due. */
export function resolveArchiveDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new ConfigError(
      `Invalid configuration:\n  EVENT_ARCHIVE_DIR=${JSON.stringify(dir)}: ${(e as Error).message}`,
    );
  }
  return dir;
}

/** Parses and validates the environment; throws one error listing every bad variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = plainToInstance(EnvironmentVariables, cleaned, { enableImplicitConversion: false });
  const errors = validateSync(parsed, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const notify = resolveNotifyConfig(parsed);
  if ('problems' in notify)
    throw new ConfigError(`Invalid configuration:\n${notify.problems.map((p) => `  ${p}`).join('\n')}`);
  if (parsed.MAP_TILES !== 'none' && !parsed.MAP_TILE_KEY)
    throw new ConfigError(`Invalid configuration:\n  MAP_TILE_KEY must be set with MAP_TILES=${parsed.MAP_TILES}`);
  const tls = ['MQTT_CA_FILE', 'MQTT_CLIENT_CERT_FILE', 'MQTT_CLIENT_KEY_FILE'];
  const tlsSet = tls.filter((k) => (parsed as unknown as Record<string, unknown>)[k] !== undefined);
  if (tlsSet.length !== 0 && tlsSet.length !== tls.length)
    throw new ConfigError(`Invalid configuration:\n  ${tls.join(', ')} must be set together`);
  if (tlsSet.length && !parsed.MQTT_URL?.startsWith('mqtts://'))
    throw new ConfigError(`Invalid configuration:\n  MQTT_CLIENT_CERT_FILE needs an mqtts:// MQTT_URL`);
  // The api process has no broker of its own: it reaches devices through the device process's (or an external) broker.
  if (parsed.SERVER_ROLE === 'api' && !parsed.MQTT_URL)
    throw new ConfigError(
      `Invalid configuration:\n  SERVER_ROLE=api needs MQTT_URL (the broker the device plane serves)`,
    );
  if (!!parsed.DEVICE_CA_CERT_FILE !== !!parsed.DEVICE_CA_KEY_FILE)
    throw new ConfigError(`Invalid configuration:\n  DEVICE_CA_CERT_FILE and DEVICE_CA_KEY_FILE must be set together`);
  for (const k of [...tls, 'DEVICE_CA_CERT_FILE', 'DEVICE_CA_KEY_FILE']) {
    const path = (parsed as unknown as Record<string, string | undefined>)[k];
    if (path && !readable(path))
      throw new ConfigError(`Invalid configuration:\n  ${k}=${JSON.stringify(path)}: cannot be read`);
  }
  if (parsed.NODE_ENV === 'production') {
    const missing = ['JWT_SECRET', 'CODE_SIGNING_KEY', 'DATA_ENCRYPTION_KEY', 'DEVICE_SIGNING_KEY'].filter(
      (k) => !(parsed as unknown as Record<string, unknown>)[k],
    );
    if (missing.length)
      throw new ConfigError(`Invalid configuration:\n  ${missing.join(', ')} must be set in production`);
    // Test hooks that kill the process or move its clock have no place in a deployment.
    const testOnly = ['ARCGATE_FAULT_POINTS', 'ARCGATE_CLOCK_OFFSET_FILE'].filter(
      (k) => (parsed as unknown as Record<string, unknown>)[k] !== undefined,
    );
    if (testOnly.length)
      throw new ConfigError(
        `Invalid configuration:\n  ${testOnly.join(', ')} must not be set in production (test only)`,
      );
  }
  return parsed;
}

/**
 * The map's tiles and boundaries: the boundaries file is read and checked here, at start-up, so a bad
 * file stops the server with its reason. Without MAP_BOUNDARIES_FILE the demo's schematic boundaries
 * are used when demo data is seeded, none otherwise.
 */
export function resolveMapConfig(vars: EnvironmentVariables): MapConfig {
  const file = vars.MAP_BOUNDARIES_FILE ?? (vars.SEED_DEMO_DATA ? DEMO_BOUNDARIES_FILE : undefined);
  let boundaries: MapConfig['boundaries'] = null;
  if (file) {
    try {
      boundaries = loadRegionBoundaries(file);
    } catch (e) {
      throw new ConfigError(
        `Invalid configuration:\n  MAP_BOUNDARIES_FILE=${JSON.stringify(file)}: ${(e as Error).message}`,
      );
    }
  }
  const tiles = vars.MAP_TILES === 'none' ? null : { provider: vars.MAP_TILES, key: vars.MAP_TILE_KEY ?? '' };
  return { tiles, boundaries };
}

/** The resolved configuration the application runs with (embedded services already started). */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  /** What this process runs (bootstrap/server-role.ts); absent: all. */
  serverRole?: ServerRole;
  /**
   * Per-chip token buckets of the device gateway (devices/rate-limiter.ts); absent: the protocol's
   * ARM_REQUEST_RATE_* and DEVICE_MESSAGE_RATE_* (docs/protocol.md §11). Tests that drive one chip
   * through many requests on purpose widen them.
   */
  deviceRateLimits?: { arm?: { capacity: number; perSecond: number }; other?: { capacity: number; perSecond: number } };
  port: number;
  host: string;
  databaseUrl: string;
  /** Size of the hot-path pool (database/hot-path-pool.ts); its default when absent. */
  hotPathPoolSize?: number;
  /** The reporting pool (database/reporting-pool.ts): size and statement_timeout; defaults there. */
  reporting?: { poolSize?: number; statementTimeoutMs?: number; overviewCacheS?: number; censusRefreshS?: number };
  /** See bootstrap/heap-growth.ts; 0 leaves V8's dynamic heap growth. */
  heapGrowingPercent?: number;
  /** Express "trust proxy"; unset trusts no proxy. */
  trustProxy?: TrustProxy;
  mqtt: {
    url: string;
    embedded: boolean;
    topicRoot: string;
    /** mqtts to a broker that requires client certificates (issue 17 §1): the server's own identity. */
    tls?: { caFile: string; certFile: string; keyFile: string };
  };
  /** The device CA (devices/pki): supplied files, CRL file, certificate validity, broker reload hook. */
  devicePki?: {
    caCertFile?: string;
    caKeyFile?: string;
    crlFile?: string;
    certValidityDays?: number;
    /** Overrides certValidityDays (tests). */
    certValiditySeconds?: number;
    /** Renewal rate limit: one new certificate per chip per this many seconds (default 1 day). */
    renewMinIntervalS?: number;
    /** A superseded certificate is revoked this long after its renewal (default 7 days). */
    supersededGraceS?: number;
    /** Run by /bin/sh after every CRL rewrite, e.g. `kill -HUP $(cat /run/mosquitto/mosquitto.pid)`. */
    crlReloadCommand?: string;
  };
  publicBaseUrl: string;
  dataDir: string;
  secrets: { jwt: string; codeSigningKey: Buffer; dataEncryptionKey: Buffer; deviceSigningKey: KeyObject };
  jwtTtlSeconds: number;
  loginRateLimitPerMinute: number;
  /** Failed log-ins per source address across user names (auth/login-spray-limiter.ts); defaults there. */
  loginSpray?: Partial<LoginSprayLimits>;
  /** Per-account lockout (auth/login-spray-limiter.ts); defaults there (5 failures in 900 s). */
  loginLockout?: Partial<AccountLockoutLimits>;
  /** Server-side sessions (auth/sessions); defaults 1800 s idle, 12 h absolute. */
  session?: { idleTimeoutS?: number; maxAgeS?: number };
  /** TOTP required for platform admins and regulators (TOTP_REQUIRED); default false. */
  totpRequired?: boolean;
  logLevel: string;
  seedDemoData: boolean;
  /** Anonymous public scans show the welder's approved photo (WELDER_PHOTO_PUBLIC); default false. */
  welderPhotoPublic?: boolean;
  /** Offline-while-armed escalation delay (DEVICE_OFFLINE_ARMED → on-site check); default 600 s. */
  onsiteCheckAfterS?: number;
  /** Days of log-in attempts kept (LOGIN_HISTORY_RETENTION_DAYS; auth/login-history-retention.job.ts); default 180. */
  loginHistoryRetentionDays?: number;
  /** Retention of raw device events (telemetry/archive): months kept, and the archive directory (created and checked at start-up). */
  eventArchive?: { retentionMonths: number; dir: string };
  /** The online-days roll-up (off-platform/online-days): seconds between runs and re-read grace; defaults there. */
  onlineDaysRollup?: { intervalS?: number; graceS?: number };
  /** off-platform/ranking-signals.job.ts: seconds between counts; 0 counts the ranking for every page. */
  offPlatformRankingRefreshS?: number;
  /** The web map's tiles and region boundaries (config/map-config.ts); absent: no tiles, no boundaries. */
  map?: MapConfig;
  /** Test only: crash points (common/fault/fault-points.ts), armed by main.ts. */
  faultPoints?: string;
  /** Test only: offset file of the clock (common/clock/clock.ts). */
  clockOffsetFile?: string;
  /** SMS provider (sms/sms.module.ts); absent: the log provider. */
  sms?: SmsConfig;
  /** Notifications (notifications/); absent: defaults, no e-mail, https public webhooks only. */
  notifications?: NotificationsConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
