import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { portOrFree } from '../../../dist/bootstrap/free-port';
import { BrokerBundle, writeMosquittoBundle } from '../../../dist/devices/pki/broker-bundle';
import { CaFiles, defaultCaFiles } from '../../../dist/devices/pki/device-pki';
import { sleep } from '../stats';

export const MOSQUITTO_BINARY =
  ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p)) ?? null;

/**
 * The bench's own Mosquitto 2.0 with the configuration the server's generator writes (`npm run
 * broker:config -- mosquitto`, writeMosquittoBundle): device listener with mutual TLS, service
 * listener for the server replicas, device CA, service CA and CRL in the bench's work dir. It can be
 * stopped and started again with the same configuration and ports (the connect storm).
 */
export class BenchMosquitto {
  private child: ChildProcess | null = null;
  private readonly logFile: string;
  version = '';

  private constructor(
    readonly dir: string,
    readonly bundle: BrokerBundle,
    readonly devicePort: number,
    readonly servicePort: number,
  ) {
    this.logFile = join(dir, 'mosquitto.log');
  }

  static async create(dir: string, topicRoot: string): Promise<BenchMosquitto> {
    if (!MOSQUITTO_BINARY)
      throw new Error('BENCH_BROKER=mosquitto-mtls needs mosquitto (apt-get install -y mosquitto)');
    const devicePort = await portOrFree(0);
    const servicePort = await portOrFree(0);
    const bundle = await writeMosquittoBundle({
      outDir: join(dir, 'broker'),
      deviceCa: defaultCaFiles(dir, 'device-ca'),
      serviceCa: defaultCaFiles(dir, 'service-ca'),
      crlFile: join(dir, 'pki', 'device-ca.crl'),
      topicRoot,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      devicePort,
      servicePort,
      serviceBind: '127.0.0.1',
      // Started as root, Mosquitto drops to the user "mosquitto", who cannot read root's 0600 keys.
      extra: process.getuid?.() === 0 ? ['user root'] : [],
      now: new Date(),
    });
    const m = new BenchMosquitto(dir, bundle, devicePort, servicePort);
    m.version = /mosquitto version (\S+)/.exec(tryRun(MOSQUITTO_BINARY, ['-h']))?.[1] ?? '?';
    await m.start();
    return m;
  }

  get deviceCaFiles(): CaFiles {
    return defaultCaFiles(this.dir, 'device-ca');
  }

  get deviceUrl(): string {
    return `mqtts://127.0.0.1:${this.devicePort}`;
  }

  get serviceUrl(): string {
    return `mqtts://127.0.0.1:${this.servicePort}`;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** The environment a server replica needs for this broker and this device CA. */
  serverEnv(): Record<string, string> {
    const pki = join(this.dir, 'pki');
    return {
      MQTT_URL: this.serviceUrl,
      MQTT_CA_FILE: this.bundle.files.deviceCa,
      MQTT_CLIENT_CERT_FILE: this.bundle.serverClientCert,
      MQTT_CLIENT_KEY_FILE: this.bundle.serverClientKey,
      DEVICE_CA_CERT_FILE: join(pki, 'device-ca.crt'),
      DEVICE_CA_KEY_FILE: join(pki, 'device-ca.key'),
      DEVICE_CRL_FILE: join(pki, 'device-ca.crl'),
      DEVICE_CRL_RELOAD_COMMAND: `kill -HUP ${this.pid}`,
    };
  }

  async start(): Promise<void> {
    const child = spawn(MOSQUITTO_BINARY!, ['-c', this.bundle.files.config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.pipe(createWriteStream(this.logFile, { flags: 'a' }));
    this.child = child;
    const until = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`mosquitto exited: ${readFileSync(this.logFile, 'utf8').slice(-2000)}`);
      const up = await new Promise<boolean>((resolve) => {
        const s = tcpConnect(this.devicePort, '127.0.0.1', () => (s.destroy(), resolve(true)));
        s.on('error', () => resolve(false));
      });
      if (up) return;
      if (Date.now() > until) throw new Error('mosquitto did not listen within 10 s');
      await sleep(20);
    }
  }

  /** SIGTERM and wait for the exit (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }

  logTail(bytes = 4000): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-bytes);
    } catch {
      return '';
    }
  }
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    return `${x.stdout ?? ''}${x.stderr ?? ''}`;
  }
}

/**
 * The open-files limit of a process (/proc/<pid>/limits) and whether it can be raised: prlimit to
 * twice the hard limit is tried on this process and its refusal kept as the evidence.
 */
export function openFilesLimit(pid: number | 'self' = 'self'): { soft: number; hard: number; raise: string } {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const soft = Number(m?.[1]);
  const hard = Number(m?.[2]);
  const want = Number.isFinite(hard) ? hard * 2 : 40_000;
  const out = tryRun('prlimit', [`--pid=${process.pid}`, `--nofile=${want}:${want}`]).trim();
  const after = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const raised = Number(after?.[2]) >= want;
  return {
    soft,
    hard,
    raise: raised
      ? `prlimit --nofile=${want} succeeded`
      : `prlimit --nofile=${want}:${want} refused${out ? `: ${out.split('\n')[0].slice(0, 120)}` : ''} (uid ${process.getuid?.()})`,
  };
}
