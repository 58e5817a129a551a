/**
 * One welding machine on the bench: the firmware simulator (Firmata board + badge scanner on real
 * ptys), the device agent driving it through johnny-five / serialport, and a cuttable TCP hop
 * between the agent and the broker. Used by the cross-component tests and by `npm run demo`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mqtt from 'mqtt';
import {
  Agent,
  BadgeScanner,
  ChipIdentity,
  createLogger,
  FIRMWARE,
  JohnnyFiveBoard,
  loadOrCreateChipKey,
  LogLevel,
  systemClock,
} from '@arcgate/device-agent';
import type { MachineKind } from '@arcgate/protocol';
import { ArcProcess, SimulatedMachine } from '@arcgate/firmware-sim';
import { brokerAddress, NetworkProxy } from './net-proxy';

export interface Position {
  lat: number;
  lng: number;
  accuracyM: number;
}

export interface RigOptions {
  /** Simulator name: letters, digits, '.', '_' and '-'. */
  name: string;
  brokerUrl: string;
  topicRoot: string;
  /** The server's Ed25519 key (base64url) from GET /api/devices/server-key. */
  serverPublicKey: string;
  /** The agent's configured installation position (POSITION). */
  position: Position;
  machineKind?: MachineKind;
  process?: ArcProcess;
  seed?: number;
  /** Kept across runs when given (the demo keeps its chips); a temp directory removed on stop otherwise. */
  dataDir?: string;
  logLevel?: LogLevel;
  /** Every agent log line (JSON) also goes here. */
  onLog?: (line: string) => void;
  /** Mutual TLS (issue 17 §1): the chip's certificate and the device CA; the broker URL is then mqtts. */
  tls?: { certFile: string; caFile: string };
  /** Certificate renewal window (MQTT_CERT_RENEW_BEFORE_S, MQTT_CERT_RENEW_FRACTION); agent defaults otherwise. */
  certRenewal?: { beforeS: number; fraction: number };
}

export class MachineRig {
  readonly machine: SimulatedMachine;
  readonly logs: string[] = [];
  private proxy: NetworkProxy | null = null;
  private agentValue: Agent | null = null;
  readonly dataDir: string;
  private readonly ownDir: boolean;
  private identityValue: ChipIdentity | null = null;

  constructor(private readonly options: RigOptions) {
    this.machine = new SimulatedMachine({
      name: options.name,
      kind: options.machineKind ?? 'electric_arc',
      process: options.process ?? 'MMA',
      seed: options.seed ?? 1,
    });
    this.ownDir = !options.dataDir;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `arcgate-rig-${options.name}-`));
  }

  /** Mutual TLS material, set after binding (the certificate is issued then) and before start. */
  useTls(tls: { certFile: string; caFile: string }): void {
    this.options.tls = tls;
  }

  get agent(): Agent {
    if (!this.agentValue) throw new Error(`${this.options.name}: agent not started`);
    return this.agentValue;
  }

  /** The chip's identity; created (or loaded) before the agent starts so that it can be bound first. */
  get identity(): ChipIdentity {
    if (!this.identityValue) this.identityValue = loadOrCreateChipKey(join(this.dataDir, 'keys'));
    return this.identityValue;
  }

  get chip(): string {
    return this.identity.chip;
  }

  /** The agent's network hop (cut / restore / lose acknowledgements). */
  get network(): NetworkProxy {
    if (!this.proxy) throw new Error(`${this.options.name}: not started`);
    return this.proxy;
  }

  get journalDir(): string {
    return join(this.dataDir, 'journal');
  }

  relayClosed(): boolean {
    return this.machine.snapshot().relayClosed;
  }

  /**
   * Starts the simulator, the network hop and the agent. Bind the chip (this.identity) before
   * calling this: an unbound chip is refused by the broker and raises an "unregistered device" alert.
   */
  async start(): Promise<void> {
    const o = this.options;
    await this.machine.start();
    this.proxy = new NetworkProxy(brokerAddress(o.brokerUrl));
    const hop = await this.proxy.start();
    // The hop forwards bytes: TLS runs end to end between the agent and the broker through it.
    const agentUrl = o.tls ? hop.replace(/^mqtt:/, 'mqtts:') : hop;
    // The simulator only announces a network cut; the hop is what actually cuts it.
    this.machine.on('network', (state) => (state === 'cut' ? this.proxy?.cut() : this.proxy?.restore()));
    const paths = this.machine.paths;
    const machineKind = o.machineKind ?? 'electric_arc';
    this.agentValue = new Agent({
      config: {
        mqttUrl: agentUrl,
        topicRoot: o.topicRoot,
        serverPublicKey: o.serverPublicKey,
        boardPath: paths.serialPath,
        scannerPath: paths.scannerPath,
        dataDir: this.dataDir,
        machineKind,
        gasLimitPercentLel: 10,
        position: o.position,
        watchdogMs: 2_000,
        logLevel: o.logLevel ?? 'info',
        firmware: FIRMWARE,
        tls: o.tls ? { certFile: o.tls.certFile, caFile: o.tls.caFile, keyFile: null } : null,
        ...(o.certRenewal
          ? { certRenewBeforeS: o.certRenewal.beforeS, certRenewFraction: o.certRenewal.fraction }
          : {}),
      },
      board: new JohnnyFiveBoard({ path: paths.serialPath, machineKind }),
      scanner: new BadgeScanner({ path: paths.scannerPath }),
      connect: (url, options) => mqtt.connect(url, options),
      clock: systemClock,
      log: createLogger({
        level: o.logLevel ?? 'info',
        write: (line) => {
          this.logs.push(line);
          o.onLog?.(line);
        },
      }),
    });
    await this.agentValue.start();
  }

  /** Stops the agent (relay open first), the hop and the simulator; removes a temp data dir. */
  async stop(): Promise<void> {
    // The agent opens the relay first thing; the rest of its stop may wait on a broker that is
    // already gone (a QoS 1 "offline" status), so it gets a few seconds and the bench moves on.
    if (this.agentValue)
      await Promise.race([
        this.agentValue.stop().catch(() => undefined),
        new Promise((r) => setTimeout(r, 5_000).unref()),
      ]);
    await this.proxy?.stop().catch(() => undefined);
    await this.machine.stop().catch(() => undefined);
    this.proxy = null;
    if (this.ownDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
