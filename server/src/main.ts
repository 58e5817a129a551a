import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './bootstrap/configure-app';
import { applyHeapGrowth } from './bootstrap/heap-growth';
import { Infrastructure, resolveInfrastructure } from './bootstrap/infrastructure';
import { describeError } from './common/errors/describe-error';
import { armFaultPoints } from './common/fault/fault-points';
import { API_NICE, Launcher } from './bootstrap/launcher';
import { ConfigError, DEFAULT_HEAP_GROWING_PERCENT, validateEnvironment } from './config/app-config';
import { launchesSplit } from './config/server-role';
import { STARTUP_LOCKS, withAdvisoryLock } from './database/advisory-lock';
import { runMigrations } from './database/data-source';
import { DemoSeeder } from './seed/demo-seeder';
import { DemoSpread } from './seed/demo-spread';

async function main(): Promise<void> {
  if (launchesSplit(process.env)) return launch();
  let infra: Infrastructure;
  try {
    infra = await resolveInfrastructure(process.env);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : `Start-up failed: ${describeError(e)}`);
    process.exit(1);
  }
  try {
    await serve(infra);
  } catch (e) {
    console.error(`Start-up failed: ${describeError(e)}`);
    await infra
      .stop()
      .catch((s: unknown) => console.error(`Stopping the embedded services failed too: ${describeError(s)}`));
    process.exit(1);
  }
}

/**
 * The embedded default (no MQTT_URL, no SERVER_ROLE): a launcher with a device process and an api
 * process (bootstrap/launcher.ts). SERVER_ROLE=all keeps the single process.
 */
async function launch(): Promise<void> {
  let infra: Infrastructure;
  try {
    // PostgreSQL (when embedded) and the secrets file, once, before the children share them; no broker here.
    infra = await resolveInfrastructure(process.env, { startBroker: false });
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : `Start-up failed: ${describeError(e)}`);
    process.exit(1);
  }
  const { config } = infra;
  const launcher = new Launcher({
    script: __filename,
    execArgv: process.execArgv,
    env: { ...process.env, DATABASE_URL: config.databaseUrl },
    port: config.port,
    host: config.host,
    mqttPort: validateEnvironment(process.env).MQTT_PORT,
    hangTimeoutMs: validateEnvironment(process.env).LAUNCHER_HANG_TIMEOUT_S * 1000,
    log: (line) => console.log(line),
  });
  let stopping: Promise<void> | null = null;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      await launcher.stop();
      await infra.stop().catch((e: unknown) => console.error(`Stopping PostgreSQL failed: ${describeError(e)}`));
      process.exit(code);
    })());
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  void launcher.done.then((code) => stop(code));
  try {
    const { brokerUrl } = await launcher.start();
    const db = infra.database
      ? `embedded PostgreSQL on port ${infra.database.port}`
      : 'external PostgreSQL (DATABASE_URL)';
    console.log(
      `\nArcGate is running at http://localhost:${config.port}/  (API docs: http://localhost:${config.port}/api/docs)\n  database: ${db}\n  broker:   embedded MQTT broker on ${brokerUrl}\n  processes: device (pid ${launcher.pidOf('device')}), api (pid ${launcher.pidOf('api')}, nice ${API_NICE})\n`,
    );
  } catch (e) {
    console.error(`Start-up failed: ${describeError(e)}`);
    await stop(1);
  }
}

async function serve(infra: Infrastructure): Promise<void> {
  const { config } = infra;
  if (config.faultPoints) {
    armFaultPoints(config.faultPoints);
    console.warn(
      `ARCGATE_FAULT_POINTS armed (${config.faultPoints}): this process will SIGKILL itself there (test only)`,
    );
  }
  applyHeapGrowth(config.heapGrowingPercent ?? DEFAULT_HEAP_GROWING_PERCENT);
  const applied = await runMigrations(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, infra.broker?.aedes ?? null), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureApp(app, { trustProxy: config.trustProxy, serverRole: config.serverRole });
  const log = app.get(Logger);
  if (applied.length) log.log(`Applied migrations: ${applied.join(', ')}`);
  if (config.seedDemoData) {
    // Replicas starting together on an empty database: one seeds, the others then find it seeded.
    const seeded = await withAdvisoryLock(config.databaseUrl, STARTUP_LOCKS.demoSeed, async () => {
      if (!(await app.get(DemoSeeder).seedIfEmpty())) return false;
      // The hazards, a fined case and a paid reward: what a regulator's day looks like (issue 15 §5).
      await app.get(DemoSpread).seed();
      return true;
    });
    if (seeded) log.log('Seeded demo data (Xiayi County 411426); see README for the demo log-ins');
  }
  await app.listen(config.port, config.host);
  const stop = async () => {
    await app.close();
    await infra.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // A child of the launcher whose launcher was killed (-9) stops too, instead of serving on without its PostgreSQL.
  const launcherPid = Number(process.env.ARCGATE_LAUNCHER_PID);
  if (launcherPid)
    setInterval(() => {
      if (process.ppid !== launcherPid) void stop();
    }, 1_000).unref();
  const db = infra.database
    ? `embedded PostgreSQL on port ${infra.database.port}`
    : 'external PostgreSQL (DATABASE_URL)';
  const mq = infra.broker
    ? `embedded MQTT broker on ${infra.broker.url}`
    : `external MQTT broker (${config.mqtt.url.replace(/\/\/[^@/]*@/, '//')})`;
  if (config.serverRole === 'device' || config.serverRole === 'api') {
    console.log(
      `ArcGate ${config.serverRole} process up (pid ${process.pid}, HTTP ${config.host}:${config.port}; ${mq})`,
    );
    return;
  }
  console.log(
    `\nArcGate is running at http://localhost:${config.port}/  (API docs: http://localhost:${config.port}/api/docs)\n  database: ${db}\n  broker:   ${mq}\n`,
  );
}

main().catch((e) => {
  console.error(`Start-up failed: ${describeError(e)}`);
  process.exit(1);
});
