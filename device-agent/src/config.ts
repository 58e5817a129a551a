/**
 * Agent configuration: a JSON file (optional) overlaid by environment variables. Every bad value
 * is reported at once, by name, and the agent does not start.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import {
  DEFAULT_GAS_LIMIT_PERCENT_LEL,
  DEFAULT_TOPIC_ROOT,
  isValidTopicRoot,
  MACHINE_KINDS,
  MachineKind,
  publicKeyFromRaw,
  WATCHDOG_TIMEOUT_MAX_MS,
} from '@arcgate/protocol';
import { DEFAULT_RENEW_BEFORE_S, DEFAULT_RENEW_FRACTION } from './cert-renewal';
import type { LogLevel } from './logger';

export const FIRMWARE = 'arcgate-agent 0.1.0';

export interface AgentConfig {
  mqttUrl: string;
  topicRoot: string;
  /** base64url raw key; null = not provisioned (the device stays locked). */
  serverPublicKey: string | null;
  boardPath: string;
  scannerPath: string | null;
  dataDir: string;
  machineKind: MachineKind;
  gasLimitPercentLel: number;
  /** Fixed installation position (WGS-84); null when the machine has no position. */
  position: { lat: number; lng: number; accuracyM: number } | null;
  /** The main loop may stall this long before the relay is opened (≤ the 2 s hardware limit). */
  watchdogMs: number;
  /** The board reports the relay's auxiliary contact on D4 and the agent checks it (default true). */
  relayFeedback?: boolean;
  logLevel: LogLevel;
  firmware: string;
  /** For fault tests only: the agent's clock runs this far off (ms); a device with a wrong clock. */
  clockOffsetMs?: number;
  /**
   * Mutual TLS (issue 17 §1, docs/protocol.md §12.1): the chip's certificate (PEM file, from
   * GET /api/machines/{id}/chip/certificate) and the device CA to verify the broker by. The TLS key is
   * the chip's own Ed25519 key unless tlsKeyFile names another. Only with an mqtts:// URL.
   */
  tls?: { certFile: string; caFile: string; keyFile: string | null } | null;
  /**
   * Certificate renewal (docs/protocol.md §3.4): renew once the time left is at most
   * min(certRenewBeforeS, certRenewFraction × the certificate's validity). Defaults 30 days and 1/3.
   */
  certRenewBeforeS?: number;
  certRenewFraction?: number;
}

/** Environment variable → config key. */
export const ENV_KEYS = {
  MQTT_URL: 'mqttUrl',
  MQTT_TOPIC_ROOT: 'topicRoot',
  ARCGATE_SERVER_PUBLIC_KEY: 'serverPublicKey',
  BOARD_PATH: 'boardPath',
  SCANNER_PATH: 'scannerPath',
  DATA_DIR: 'dataDir',
  MACHINE_KIND: 'machineKind',
  GAS_LIMIT_PERCENT_LEL: 'gasLimitPercentLel',
  POSITION: 'position',
  POSITION_ACCURACY_M: 'positionAccuracyM',
  WATCHDOG_MS: 'watchdogMs',
  RELAY_FEEDBACK: 'relayFeedback',
  LOG_LEVEL: 'logLevel',
  CLOCK_OFFSET_MS: 'clockOffsetMs',
  MQTT_CERT_FILE: 'tlsCertFile',
  MQTT_CA_FILE: 'tlsCaFile',
  MQTT_KEY_FILE: 'tlsKeyFile',
  MQTT_CERT_RENEW_BEFORE_S: 'certRenewBeforeS',
  MQTT_CERT_RENEW_FRACTION: 'certRenewFraction',
} as const;

const FILE_KEYS = new Set<string>(Object.values(ENV_KEYS));

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Raw = Record<string, unknown>;

function readFile(file: string, problems: string[]): Raw {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`config file ${file}: ${(err as Error).message}`);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`config file ${file}: must hold a JSON object`);
    return {};
  }
  for (const key of Object.keys(parsed))
    if (!FILE_KEYS.has(key)) problems.push(`config file ${file}: unknown key "${key}"`);
  return parsed as Raw;
}

const nameOf = (key: string): string => {
  const env = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
  return env ? `${key} (${env})` : key;
};

/** Reads the file (when given) and the environment; throws ConfigError listing every problem. */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv } = {}): AgentConfig {
  const problems: string[] = [];
  const raw: Raw = opts.file ? readFile(opts.file, problems) : {};
  const env = opts.env ?? process.env;
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }

  const text = (key: string, required: boolean): string | null => {
    const v = raw[key];
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${nameOf(key)} is required`);
      return null;
    }
    if (typeof v !== 'string') {
      problems.push(`${nameOf(key)} must be a string`);
      return null;
    }
    return v.trim();
  };
  const number = (key: string, fallback: number, min: number, max: number): number => {
    const v = raw[key];
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${nameOf(key)} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return n;
  };

  const flag = (key: string, fallback: boolean): boolean => {
    const v = raw[key];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'boolean') return v;
    const word = String(v).trim().toLowerCase();
    if (['true', 'on', '1', 'yes'].includes(word)) return true;
    if (['false', 'off', '0', 'no'].includes(word)) return false;
    problems.push(`${nameOf(key)} must be on or off, got ${JSON.stringify(v)}`);
    return fallback;
  };

  const mqttUrl = text('mqttUrl', true);
  if (mqttUrl && !/^(mqtts?|wss?|tcp|ssl):\/\/[^\s/]+/.test(mqttUrl))
    problems.push(`${nameOf('mqttUrl')} must look like mqtt://host:1883 or mqtts://host:8883, got "${mqttUrl}"`);
  const topicRoot = text('topicRoot', false) ?? DEFAULT_TOPIC_ROOT;
  if (!isValidTopicRoot(topicRoot))
    problems.push(`${nameOf('topicRoot')} must be topic levels without wildcards or a leading $, got "${topicRoot}"`);
  const serverPublicKey = text('serverPublicKey', false);
  if (serverPublicKey) {
    try {
      publicKeyFromRaw(serverPublicKey);
    } catch {
      problems.push(
        `${nameOf('serverPublicKey')} must be the server's Ed25519 public key: 43 base64url characters (32 bytes)`,
      );
    }
  }
  const machineKind = text('machineKind', true);
  if (machineKind && !(MACHINE_KINDS as readonly string[]).includes(machineKind))
    problems.push(`${nameOf('machineKind')} must be one of ${MACHINE_KINDS.join(', ')}, got "${machineKind}"`);
  const logLevel = text('logLevel', false) ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    problems.push(`${nameOf('logLevel')} must be debug, info, warn or error`);

  const tlsCertFile = text('tlsCertFile', false);
  const tlsCaFile = text('tlsCaFile', false);
  const tlsKeyFile = text('tlsKeyFile', false);
  let tls: AgentConfig['tls'] = null;
  if (tlsCertFile || tlsCaFile || tlsKeyFile) {
    if (!tlsCertFile || !tlsCaFile)
      problems.push(`${nameOf('tlsCertFile')} and ${nameOf('tlsCaFile')} must be set together`);
    else if (mqttUrl && !/^(mqtts|ssl|wss):/.test(mqttUrl))
      problems.push(`${nameOf('tlsCertFile')} needs an mqtts:// ${nameOf('mqttUrl')}`);
    else {
      for (const [key, file] of [
        ['tlsCertFile', tlsCertFile],
        ['tlsCaFile', tlsCaFile],
        ['tlsKeyFile', tlsKeyFile],
      ] as const)
        if (file && !readable(file)) problems.push(`${nameOf(key)}: cannot read ${file}`);
      tls = { certFile: tlsCertFile, caFile: tlsCaFile, keyFile: tlsKeyFile };
    }
  }
  const position = parsePosition(raw.position, number('positionAccuracyM', 10, 0, 100_000), problems);
  const config: AgentConfig = {
    mqttUrl: mqttUrl ?? '',
    topicRoot,
    serverPublicKey: serverPublicKey || null,
    boardPath: text('boardPath', true) ?? '',
    scannerPath: text('scannerPath', false),
    dataDir: text('dataDir', false) ?? '/var/lib/arcgate-agent',
    machineKind: (machineKind ?? 'electric_arc') as MachineKind,
    gasLimitPercentLel: number('gasLimitPercentLel', DEFAULT_GAS_LIMIT_PERCENT_LEL, 0.1, 100),
    position,
    watchdogMs: number('watchdogMs', 1_000, 100, WATCHDOG_TIMEOUT_MAX_MS),
    relayFeedback: flag('relayFeedback', true),
    logLevel: logLevel as LogLevel,
    firmware: FIRMWARE,
    clockOffsetMs: number('clockOffsetMs', 0, -86_400_000, 86_400_000),
    tls,
    certRenewBeforeS: number('certRenewBeforeS', DEFAULT_RENEW_BEFORE_S, 1, 3650 * 86400),
    certRenewFraction: number('certRenewFraction', DEFAULT_RENEW_FRACTION, 0.01, 1),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function parsePosition(v: unknown, accuracyM: number, problems: string[]): AgentConfig['position'] {
  if (v === undefined || v === null || v === '') return null;
  let lat: number;
  let lng: number;
  if (typeof v === 'string') {
    const parts = v.split(',').map((p) => Number(p.trim()));
    [lat, lng] = parts.length === 2 ? parts : [NaN, NaN];
  } else if (typeof v === 'object' && !Array.isArray(v)) {
    ({ lat, lng } = v as { lat: number; lng: number });
  } else {
    lat = lng = NaN;
  }
  if (
    typeof lat !== 'number' ||
    typeof lng !== 'number' ||
    !(lat >= -90 && lat <= 90) ||
    !(lng >= -180 && lng <= 180)
  ) {
    problems.push(
      `${nameOf('position')} must be "lat,lng" in WGS-84 degrees, e.g. "34.2375,116.1342", got ${JSON.stringify(v)}`,
    );
    return null;
  }
  return { lat, lng, accuracyM };
}
