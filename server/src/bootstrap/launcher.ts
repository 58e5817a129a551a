import { ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { lowerAutogroupPriority } from '../common/cpu/priority';
import { portOrFree } from './free-port';

/**
 * `npm start` with the embedded broker (issue 19): two processes instead of one, so that a
 * regulator's report never runs on the event loop or the CPU share that answers a welder's machine.
 *
 * - the device process (SERVER_ROLE=device): the embedded broker, device gateway, arm decisions,
 *   ingest, presence, revocation delivery; its HTTP port (loopback, internal) answers /api/health only;
 * - the api process (SERVER_ROLE=api, nice API_NICE): HTTP on PORT (UI, API, reports, exports) and
 *   the background work people see; it reaches devices only through the device process's broker, as
 *   a replica reaches an external broker.
 *
 * The launcher owns the embedded PostgreSQL (started before, stopped after both). A child that dies
 * is restarted (after RESTART_DELAY_MS; the other keeps running: a crashed api does not stop the
 * machines, a crashed device process is back on the same broker port and devices reconnect). More
 * than MAX_RESTARTS of one child within RESTART_WINDOW_MS: the launcher stops everything and exits 1,
 * for systemd or the container runtime to decide. SIGTERM/SIGINT: api first, then device, then PostgreSQL.
 *
 * A child that hangs (alive, but its event loop answers nothing: an endless loop, a deadlocked native call,
 * SIGSTOP) is no better than a dead one and never exits by itself: once started, each child's health
 * endpoint is polled every LIVENESS_POLL_MS, and one that has not answered at all (any status counts: a 503
 * for a lost database is an answer) for `hangTimeoutMs` is killed (SIGKILL) and so restarted as above.
 */
export const API_NICE = 10;
export const RESTART_DELAY_MS = 1_000;
export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;
const START_TIMEOUT_MS = 180_000;
export const LIVENESS_POLL_MS = 2_000;
/** One probe waits at most this long; a slower answer counts as none. */
const PROBE_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 15_000;

export type ChildRole = 'device' | 'api';

export interface LauncherOptions {
  /** The node script each child runs (dist/main.js) and its node flags (profilers, preloads). */
  script: string;
  execArgv: string[];
  /** The environment as given, plus DATABASE_URL of the embedded PostgreSQL when it was started here. */
  env: NodeJS.ProcessEnv;
  /** PORT and HOST of the api (the public address). */
  port: number;
  host: string;
  /** The device-facing broker port (MQTT_PORT). */
  mqttPort: number;
  /** A started child whose health endpoint answers nothing this long is killed and restarted (LAUNCHER_HANG_TIMEOUT_S). */
  hangTimeoutMs: number;
  log: (line: string) => void;
}

interface Supervised {
  role: ChildRole;
  child: ChildProcess | null;
  restarts: number[];
  env: NodeJS.ProcessEnv;
  healthUrl: string;
  /** When the current child last answered its health endpoint (or was spawned). */
  answeredAt: number;
  /** A child spawned but not yet healthy is not called hung before this (it may take a start's time). */
  startingUntil: number;
  /** The child already killed as hung: probes overlap (one every 2 s, each up to 5 s), it is killed once. */
  killedAsHung?: ChildProcess;
}

export class Launcher {
  private readonly children = new Map<ChildRole, Supervised>();
  private stopping = false;
  /** Until both children are up a child's exit fails the start (no restart): a bad configuration stops at once. */
  private started = false;
  private failed: ((e: Error) => void) | null = null;
  private liveness: NodeJS.Timeout | null = null;
  /** Resolves when the launcher has stopped both children: 0 on request, 1 after too many restarts. */
  readonly done: Promise<number>;
  private finish!: (code: number) => void;

  constructor(private readonly o: LauncherOptions) {
    this.done = new Promise((r) => (this.finish = r));
  }

  pidOf(role: ChildRole): number | undefined {
    return this.children.get(role)?.child?.pid;
  }

  /** Starts the device process, waits for its health, then the api process on the device's broker. */
  async start(): Promise<{ apiUrl: string; brokerUrl: string }> {
    const devicePort = await portOrFree(0);
    const device = this.supervise('device', {
      SERVER_ROLE: 'device',
      HOST: '127.0.0.1',
      PORT: String(devicePort),
      MQTT_PORT: String(this.o.mqttPort),
    });
    const health = await this.untilHealthy(device);
    // The broker may have moved off a taken MQTT_PORT (portOrFree): keep the port it got, also for restarts.
    const brokerUrl = health.broker?.url ?? `mqtt://127.0.0.1:${this.o.mqttPort}`;
    device.env.MQTT_PORT = String(new URL(brokerUrl).port);
    const api = this.supervise('api', {
      SERVER_ROLE: 'api',
      HOST: this.o.host,
      PORT: String(this.o.port),
      MQTT_URL: `mqtt://127.0.0.1:${new URL(brokerUrl).port}`,
      // The device process ran the migrations and the demo seed already.
    });
    await this.untilHealthy(api);
    this.started = true;
    this.liveness = setInterval(() => void this.probeAll(), LIVENESS_POLL_MS);
    this.liveness.unref();
    return { apiUrl: `http://${this.o.host}:${this.o.port}`, brokerUrl };
  }

  /** Graceful stop: the api first (it publishes through the device's broker), then the device process. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.liveness) clearInterval(this.liveness);
    for (const role of ['api', 'device'] as const) {
      const s = this.children.get(role);
      if (s?.child) await stopChild(s.child);
    }
  }

  private supervise(role: ChildRole, own: Record<string, string>): Supervised {
    const s: Supervised = {
      role,
      child: null,
      restarts: [],
      env: { ...this.o.env, ...own, ARCGATE_LAUNCHER_PID: String(process.pid) },
      healthUrl: `http://127.0.0.1:${own.PORT}/api/health`,
      answeredAt: Date.now(),
      startingUntil: 0,
    };
    this.children.set(role, s);
    this.spawn(s);
    return s;
  }

  private spawn(s: Supervised): void {
    const api = s.role === 'api';
    // The api in a session of its own: its own scheduling group (autogroup), whose weight can be lowered.
    // It still stops with the launcher: it watches ARCGATE_LAUNCHER_PID, and the launcher stops it on a signal.
    const child = spawn(process.execPath, [...this.o.execArgv, this.o.script], {
      env: s.env,
      stdio: 'inherit',
      detached: api && process.platform === 'linux',
    });
    s.child = child;
    s.answeredAt = Date.now();
    s.startingUntil = Date.now() + START_TIMEOUT_MS;
    if (api && child.pid) {
      // Lower CPU priority: on a shared box the device plane wins the cores (its threads inherit it).
      try {
        setPriority(child.pid, API_NICE);
      } catch (e) {
        this.o.log(`launcher: could not lower the api process's priority: ${(e as Error).message}`);
      }
      lowerAutogroupPriority(child.pid, API_NICE);
    }
    this.o.log(`launcher: ${s.role} process started (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      if (s.child === child) s.child = null;
      if (this.stopping || !this.started) return;
      this.o.log(`launcher: ${s.role} process (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
      const now = Date.now();
      s.restarts = [...s.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
      if (s.restarts.length > MAX_RESTARTS) {
        this.o.log(`launcher: ${s.role} process restarted ${MAX_RESTARTS} times within a minute; stopping`);
        this.failed?.(new Error(`${s.role} process keeps exiting`));
        void this.stop().then(() => this.finish(1));
        return;
      }
      setTimeout(() => {
        if (!this.stopping) this.spawn(s);
      }, RESTART_DELAY_MS).unref();
    });
  }

  private async probeAll(): Promise<void> {
    await Promise.all([...this.children.values()].map((s) => this.probe(s)));
  }

  private async probe(s: Supervised): Promise<void> {
    const child = s.child;
    if (!child || this.stopping) return;
    const res = await fetch(s.healthUrl, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).catch(() => null);
    if (s.child !== child) return;
    if (res) {
      await res.body?.cancel().catch(() => undefined);
      s.answeredAt = Date.now();
      s.startingUntil = 0;
      return;
    }
    const silentMs = Date.now() - s.answeredAt;
    if (silentMs < this.o.hangTimeoutMs || Date.now() < s.startingUntil || this.stopping) return;
    if (s.killedAsHung === child) return;
    s.killedAsHung = child;
    this.o.log(
      `launcher: ${s.role} process (pid ${child.pid}) has not answered its health check for ${Math.round(silentMs / 1000)} s; killing it`,
    );
    child.kill('SIGKILL');
  }

  private async untilHealthy(s: Supervised): Promise<{ broker?: { url?: string } }> {
    const until = Date.now() + START_TIMEOUT_MS;
    const failed = new Promise<never>((_, reject) => (this.failed = reject));
    const exited = new Promise<never>((_, reject) =>
      s.child?.once('exit', (code, signal) =>
        reject(new Error(`the ${s.role} process exited during start-up (${signal ?? `code ${code}`})`)),
      ),
    );
    const poll = async () => {
      for (;;) {
        const res = await fetch(s.healthUrl).catch(() => null);
        if (res?.status === 200) return (await res.json()) as { broker?: { url?: string } };
        if (Date.now() > until) throw new Error(`the ${s.role} process was not healthy within ${START_TIMEOUT_MS} ms`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    try {
      return await Promise.race([poll(), exited, failed]);
    } finally {
      this.failed = null;
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(killer);
}
