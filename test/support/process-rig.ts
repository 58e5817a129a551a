/**
 * One welding machine as separate processes, the way it runs in the field: the firmware simulator
 * (`firmware-sim/dist/cli.js run`, a Firmata board behind a socat pty relay — the serial cable), the
 * device agent (`device-agent/dist/main.js`, johnny-five over that serial line) and a TCP hop between
 * the agent and the broker (its network). Every part can be killed, frozen or cut on its own, and
 * the machine's *output* is read from the simulator's own records, not from what the agent believes.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  WriteStream,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ChipIdentity, loadOrCreateChipKey } from '@arcgate/device-agent';
import type { MachineKind } from '@arcgate/protocol';
import { brokerAddress, NetworkProxy } from './net-proxy';

/** The workspace root, from the sources (test/support) or their compiled copy (test/faults/dist/support). */
export const REPO_ROOT = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  return resolve(__dirname, '..', '..');
})();
const SIM_CLI = join(REPO_ROOT, 'firmware-sim', 'dist', 'cli.js');
const AGENT_MAIN = join(REPO_ROOT, 'device-agent', 'dist', 'main.js');

export interface ProcessRigOptions {
  /** Letters, digits, '.', '_' and '-'. */
  name: string;
  brokerUrl: string;
  topicRoot: string;
  serverPublicKey: string;
  position: { lat: number; lng: number; accuracyM: number };
  machineKind?: MachineKind;
  process?: 'MMA' | 'TIG' | 'MIG';
  seed?: number;
  /** Where everything of this machine lives (chip key, journal, ptys, logs); a temp dir when omitted. */
  dir?: string;
  /** The agent's clock runs this far off (ms); a device with a wrong clock. */
  clockOffsetMs?: number;
}

/** One change of the simulator's output stage (power reaching the torch), as the simulator logged it. */
export interface OutputChange {
  at: number;
  energised: boolean;
  reason?: string;
}

export class ProcessRig {
  readonly dir: string;
  readonly agentLog: string[] = [];
  private sim: ChildProcess | null = null;
  private agentProc: ChildProcess | null = null;
  private proxy: NetworkProxy | null = null;
  private proxyUrl = '';
  private identityValue: ChipIdentity | null = null;
  private readonly ownDir: boolean;
  private logStream: WriteStream | null = null;
  private polled: OutputChange[] = [];
  private poller: NodeJS.Timeout | null = null;

  constructor(readonly options: ProcessRigOptions) {
    this.ownDir = !options.dir;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), `arcgate-prig-${options.name}-`));
  }

  get name(): string {
    return this.options.name;
  }

  /** The agent's journal: mount a small or read-only file system here to fail its disk. */
  get journalDir(): string {
    return join(this.agentDataDir, 'journal');
  }

  get agentDataDir(): string {
    return join(this.dir, 'agent');
  }

  get simDir(): string {
    return join(this.dir, 'sim');
  }

  get identity(): ChipIdentity {
    if (!this.identityValue) this.identityValue = loadOrCreateChipKey(join(this.agentDataDir, 'keys'));
    return this.identityValue;
  }

  get chip(): string {
    return this.identity.chip;
  }

  get network(): NetworkProxy {
    if (!this.proxy) throw new Error(`${this.name}: not started`);
    return this.proxy;
  }

  get stateFile(): string {
    return join(this.simDir, `${this.name}.state.json`);
  }

  get serialPath(): string {
    return join(this.simDir, `${this.name}-firmata`);
  }

  get agentPid(): number | undefined {
    return this.agentProc?.pid;
  }

  get agentRunning(): boolean {
    return !!this.agentProc && this.agentProc.exitCode === null && this.agentProc.signalCode === null;
  }

  /** Simulator, network hop, then the agent; bind the chip (this.identity) first. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.logStream = createWriteStream(join(this.dir, 'rig.log'), { flags: 'a' });
    await this.startSimulator();
    this.proxy = new NetworkProxy(brokerAddress(this.options.brokerUrl));
    this.proxyUrl = await this.proxy.start();
    this.startAgent();
  }

  /** Starts (or restarts, after a kill) the simulator process: the board powers up with its relay open. */
  async startSimulator(): Promise<void> {
    for (const f of [SIM_CLI, AGENT_MAIN])
      if (!existsSync(f))
        throw new Error(`${f} is missing: build first (npm run build, or nx's ^build for this project)`);
    mkdirSync(this.simDir, { recursive: true });
    rmSync(this.stateFile, { force: true });
    const o = this.options;
    const args = [
      SIM_CLI,
      'run',
      '--kind',
      o.machineKind ?? 'electric_arc',
      '--name',
      this.name,
      '--dir',
      this.simDir,
      '--seed',
      String(o.seed ?? 1),
      '--json',
    ];
    if ((o.machineKind ?? 'electric_arc') === 'electric_arc') args.push('--process', o.process ?? 'MMA');
    // CI machines without socat use the python3 relay: ARCGATE_TEST_PTY=python3 runs that path here.
    if (process.env.ARCGATE_TEST_PTY) args.push('--pty', process.env.ARCGATE_TEST_PTY);
    const sim = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.sim = sim;
    sim.stdout.on('data', (b: Buffer) => this.logStream?.write(`[sim] ${b}`));
    sim.stderr.on('data', (b: Buffer) => this.logStream?.write(`[sim!] ${b}`));
    await waitUntil(
      `${this.name} simulator up`,
      () => existsSync(this.stateFile) && existsSync(this.serialPath),
      15_000,
      () => sim.exitCode !== null,
    );
    this.startPolling();
  }

  /** Starts (or restarts) the agent process with this machine's configuration. */
  startAgent(): void {
    const o = this.options;
    const config = {
      mqttUrl: this.proxyUrl,
      topicRoot: o.topicRoot,
      serverPublicKey: o.serverPublicKey,
      boardPath: this.serialPath,
      scannerPath: join(this.simDir, `${this.name}-scanner`),
      dataDir: this.agentDataDir,
      machineKind: o.machineKind ?? 'electric_arc',
      gasLimitPercentLel: 10,
      position: `${o.position.lat},${o.position.lng}`,
      positionAccuracyM: o.position.accuracyM,
      watchdogMs: 2_000,
      logLevel: 'info',
    };
    const file = join(this.dir, 'agent.json');
    writeFileSync(file, JSON.stringify(config, null, 2));
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (o.clockOffsetMs) env.CLOCK_OFFSET_MS = String(o.clockOffsetMs);
    const agent = spawn(process.execPath, [AGENT_MAIN, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.agentProc = agent;
    let partial = '';
    agent.stdout.on('data', (b: Buffer) => {
      const text = partial + b.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) this.agentLog.push(line);
      this.logStream?.write(`[agent] ${b}`);
    });
    agent.stderr.on('data', (b: Buffer) => this.logStream?.write(`[agent!] ${b}`));
  }

  /** Whether the agent logged a broker connection at or after `since` (epoch ms). */
  agentConnectedSince(since: number): boolean {
    return this.agentLog.some((l) => {
      if (!l.includes('"connected to the broker"')) return false;
      const at = Date.parse((/"time":"([^"]+)"/.exec(l) ?? [])[1] ?? '');
      return at >= since;
    });
  }

  /** The agent's log lines whose msg matches. */
  agentSaid(msg: RegExp): boolean {
    return this.agentLog.some((l) => msg.test(l));
  }

  /** Sends one simulator command (trigger on, leak on, scan <code> …; see firmware-sim's help). */
  simCommand(line: string): void {
    if (!this.sim?.stdin?.writable) throw new Error(`${this.name}: simulator is not running`);
    this.sim.stdin.write(`${line}\n`);
  }

  /** The simulator's current snapshot (its state file). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  snapshot(): any {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return JSON.parse(readFileSync(this.stateFile, 'utf8'));
      } catch {
        // replaced atomically, but it may be absent for an instant while the simulator restarts
      }
    }
    return null;
  }

  /** Whether power reaches the output stage right now, as the simulator sees it. */
  energised(): boolean {
    return !!this.snapshot()?.readings?.energised;
  }

  /**
   * Output on/off changes with their times: the simulator's own trace (`<name>.output.jsonl`) when it
   * writes one, otherwise what polling its state file every 10 ms saw.
   */
  outputChanges(): OutputChange[] {
    const trace = join(this.simDir, `${this.name}.output.jsonl`);
    if (!existsSync(trace)) return [...this.polled];
    return readFileSync(trace, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          const v = JSON.parse(l) as { at: string | number; energised: boolean; reason?: string };
          return [{ at: typeof v.at === 'number' ? v.at : Date.parse(v.at), energised: v.energised, reason: v.reason }];
        } catch {
          return [];
        }
      });
  }

  /** When the output last went dead at or after `since` (0: it did not). */
  outputOffSince(since: number): number {
    const off = this.outputChanges().find((c) => c.at >= since - 5 && !c.energised);
    return off ? off.at : 0;
  }

  /** pid of the socat (or python) relay that is this machine's serial cable. */
  serialRelayPid(): number {
    const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    const line = out
      .split('\n')
      .find((l) => l.includes(`link=${this.serialPath}`) || (l.includes('relay.py') && l.includes(this.serialPath)));
    if (!line) throw new Error(`${this.name}: no pty relay process for ${this.serialPath}`);
    return Number(line.trim().split(/\s+/)[0]);
  }

  killAgent(signal: NodeJS.Signals): void {
    if (!this.agentProc?.pid) throw new Error(`${this.name}: agent not running`);
    process.kill(this.agentProc.pid, signal);
  }

  async waitAgentExit(timeoutMs = 10_000): Promise<number | null> {
    const p = this.agentProc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null;
    return Promise.race([
      new Promise<number | null>((r) => p.once('exit', (code) => r(code))),
      new Promise<number | null>((_, reject) =>
        setTimeout(
          () => reject(new Error(`${this.name}: agent did not exit within ${timeoutMs} ms`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  }

  /** Kills the board process; its pty relays (the cable's far end) die with it, as the board's power does. */
  killSimulator(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.sim?.pid) throw new Error(`${this.name}: simulator not running`);
    process.kill(this.sim.pid, signal);
    this.killRelays();
  }

  /** Every pty relay of this machine's simulator directory (socat or python3 children left orphaned). */
  private killRelays(): void {
    const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      if (!line.includes(this.simDir) || line.includes('cli.js')) continue;
      try {
        process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    const agent = this.agentProc;
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGCONT');
      agent.kill('SIGTERM');
      await Promise.race([new Promise((r) => agent.once('exit', r)), sleep(6_000)]);
      if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
    }
    try {
      process.kill(this.serialRelayPid(), 'SIGCONT');
    } catch {
      // no relay left
    }
    const sim = this.sim;
    if (sim && sim.exitCode === null && sim.signalCode === null) {
      sim.stdin?.write('quit\n');
      await Promise.race([new Promise((r) => sim.once('exit', r)), sleep(5_000)]);
      if (sim.exitCode === null && sim.signalCode === null) sim.kill('SIGKILL');
    }
    this.killRelays();
    await this.proxy?.stop().catch(() => undefined);
    this.proxy = null;
    await new Promise<void>((r) => (this.logStream ? this.logStream.end(() => r()) : r()));
    if (this.ownDir && process.env.ARCGATE_KEEP_RIG !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  private startPolling(): void {
    if (this.poller) return;
    let last: boolean | null = null;
    this.poller = setInterval(() => {
      const s = this.snapshot();
      if (!s?.readings) return;
      const energised = !!s.readings.energised;
      if (energised !== last) this.polled.push({ at: Date.now(), energised, reason: 'polled' });
      last = energised;
    }, 10);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  abort?: () => boolean,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (abort?.()) throw new Error(`gave up waiting for ${what}: the process exited`);
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
