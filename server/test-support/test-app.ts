import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { StartupWork } from '../src/common/scheduling/startup-work';
import { configureApp } from '../src/bootstrap/configure-app';
import { EmbeddedBroker, startEmbeddedBroker } from '../src/bootstrap/embedded-broker';
import { Clock, FakeClock } from '../src/common/clock/clock';
import { AppConfig } from '../src/config/app-config';
import { DEMO_PASSWORD } from '../src/seed/demo-data';
import { DemoSeeder } from '../src/seed/demo-seeder';
import { SERVER_MQTT_USERNAME, serverMqttPasswordFor } from '../src/mqtt/mqtt-connection';
import { adminQuery, uniqueName, withDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  config: AppConfig;
  ds: DataSource;
  clock: FakeClock | null;
  broker: EmbeddedBroker | null;
  /** Bearer token for a user (demo users share DEMO_PASSWORD); cached per user. */
  tokenFor(username: string, password?: string): Promise<string>;
  /** Authorization header for a user, ready for supertest's .set(). */
  auth(username: string): Promise<{ Authorization: string }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use a fake clock (returned as `clock`) instead of the system clock. */
  clock?: FakeClock;
  /** Seed the Xiayi demo data (default true). */
  seed?: boolean;
  config?: Partial<AppConfig>;
  /**
   * 'embedded' starts the in-process broker even when MQTT_URL names an external one: for tests of
   * the embedded broker's own authentication and ACL, which an external broker delegates to its
   * HTTP hooks (tested separately).
   */
  broker?: 'auto' | 'embedded';
  /** Wait for the start-up scans and counts before returning (default true). */
  settle?: boolean;
}

/** Boots the real application on its own copy of the migrated database and a real MQTT broker. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const adminUrl = process.env.ARCGATE_TEST_ADMIN_URL;
  const template = process.env.ARCGATE_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('Integration test setup did not run (jest globalSetup)');
  const dbName = uniqueName('arcgate_t');
  await adminQuery(adminUrl, `CREATE DATABASE ${dbName} TEMPLATE ${template}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'arcgate-data-'));
  // A test that starts its own broker passes it in config.mqtt (devices/mtls-mosquitto.integration-spec.ts).
  const externalMqtt =
    opts.config?.mqtt && !opts.config.mqtt.embedded
      ? opts.config.mqtt.url
      : opts.broker === 'embedded'
        ? undefined
        : process.env.MQTT_URL;
  const secrets = opts.config?.secrets ?? {
    jwt: randomBytes(32).toString('hex'),
    codeSigningKey: randomBytes(32),
    dataEncryptionKey: randomBytes(32),
    deviceSigningKey: generateKeyPairSync('ed25519').privateKey,
  };
  const broker = externalMqtt
    ? null
    : await startEmbeddedBroker(
        0,
        { username: SERVER_MQTT_USERNAME, password: serverMqttPasswordFor(secrets.jwt) },
        '127.0.0.1',
      );
  const config: AppConfig = {
    nodeEnv: 'test',
    port: 0,
    host: '127.0.0.1',
    databaseUrl: withDatabase(adminUrl, dbName),
    // A topic root per test file keeps files apart on a shared external broker.
    mqtt: { url: externalMqtt ?? broker!.url, embedded: !externalMqtt, topicRoot: uniqueName('t').toLowerCase() },
    publicBaseUrl: 'https://arcgate.test',
    // The device CA is generated here (devices/pki), one per app.
    dataDir,
    secrets,
    jwtTtlSeconds: 3600,
    loginRateLimitPerMinute: 10,
    // Most suites move a fake clock by hours or days with one cached log-in: sessions there outlive
    // them. The session suites (auth/sessions.integration-spec.ts) set real limits.
    session: { idleTimeoutS: 10 * 365 * 86400, maxAgeS: 10 * 365 * 86400 },
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    seedDemoData: false,
    // Tests read the overview right after changing the data it counts.
    // …and count it live: the pre-aggregated census (stats/census) is tested on its own, with its refreshes.
    reporting: { overviewCacheS: 0, censusRefreshS: 0 },
    // …and the off-platform ranking for every page (its stored signals are tested on their own).
    offPlatformRankingRefreshS: 0,
    ...opts.config,
  };

  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config, broker?.aedes ?? null)] });
  if (opts.clock) builder = builder.overrideProvider(Clock).useValue(opts.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureApp(app, { trustProxy: config.trustProxy, serverRole: config.serverRole });
  await app.init();
  // The first scans and counts run beside the start (StartupWork). Tests begin once they are done, and they
  // ran before the seed, as when app.init() awaited them.
  if (opts.settle !== false) await app.get(StartupWork).settled();
  if (opts.seed !== false) await app.get(DemoSeeder).seedIfEmpty();

  const http = request(app.getHttpServer());
  const tokens = new Map<string, string>();
  const tokenFor = async (username: string, password = DEMO_PASSWORD) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    let res = await http.post('/api/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.mustChangePassword) {
      // An account a test created through the API: its owner is taken to have changed the password already.
      // The forced change itself is tested through HTTP (auth/sessions.integration-spec.ts, accounts spec).
      await app.get(DataSource).query('UPDATE users SET must_change_password = false WHERE username = $1', [username]);
      res = await http.post('/api/auth/login').send({ username, password });
    }
    tokens.set(username, res.body.accessToken);
    return res.body.accessToken as string;
  };
  return {
    app,
    http,
    config,
    ds: app.get(DataSource),
    clock: opts.clock ?? null,
    broker,
    tokenFor,
    auth: async (username) => ({ Authorization: `Bearer ${await tokenFor(username)}` }),
    async close() {
      await app.close();
      await broker?.stop();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
