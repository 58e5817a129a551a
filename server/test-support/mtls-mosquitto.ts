import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { portOrFree } from '../src/bootstrap/free-port';
import type { AppConfig } from '../src/config/app-config';
import { BrokerBundle, writeMosquittoBundle } from '../src/devices/pki/broker-bundle';
import { defaultCaFiles } from '../src/devices/pki/device-pki';

/** The mosquitto binary, or null (the tests that need it are skipped, saying so). */
export const MOSQUITTO_BINARY =
  ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p)) ?? null;

export interface MtlsMosquitto {
  bundle: BrokerBundle;
  devicePort: number;
  servicePort: number;
  /** mqtts URL of the device listener. */
  deviceUrl: string;
  /** What createTestApp needs to use this broker and this data dir (device CA, CRL, SIGHUP reload). */
  appConfig: Partial<AppConfig>;
  /** The broker's process id (kill -HUP reloads the CRL). */
  pid: number;
  /** Everything the broker logged so far (every packet with `verbose: 'capture'`). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A real Mosquitto 2.0 with the configuration `npm run broker:config -- mosquitto` writes (issue 17
 * §1), on free ports, its CAs and CRL in `dir` (which becomes the app's data dir). `verbose`: every
 * packet logged, echoed to stderr (true) or only kept for log() ('capture': a test reads from it
 * which server replica the broker handed each message to).
 */
export async function startMtlsMosquitto(
  dir: string,
  topicRoot: string,
  verbose: boolean | 'capture' = false,
): Promise<MtlsMosquitto> {
  if (!MOSQUITTO_BINARY) throw new Error('no mosquitto binary');
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
    // Mosquitto started as root drops to the user "mosquitto", who cannot read root's 0600 keys.
    extra: process.getuid?.() === 0 ? ['user root'] : [],
    now: new Date(),
  });
  const broker: ChildProcess = spawn(MOSQUITTO_BINARY, ['-c', bundle.files.config, ...(verbose ? ['-v'] : [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  broker.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
    if (verbose === true) process.stderr.write(d);
  });
  const until = Date.now() + 8000;
  for (;;) {
    if (broker.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(devicePort, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > until) throw new Error(`mosquitto did not listen: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    bundle,
    devicePort,
    servicePort,
    deviceUrl: `mqtts://127.0.0.1:${devicePort}`,
    pid: broker.pid!,
    log: () => log,
    appConfig: {
      dataDir: dir,
      mqtt: {
        url: `mqtts://127.0.0.1:${servicePort}`,
        embedded: false,
        topicRoot,
        tls: { caFile: bundle.files.deviceCa, certFile: bundle.serverClientCert, keyFile: bundle.serverClientKey },
      },
      devicePki: { crlReloadCommand: `kill -HUP ${broker.pid}` },
    },
    async stop() {
      if (broker.exitCode !== null) return;
      const exited = new Promise((r) => broker.once('exit', r));
      broker.kill('SIGTERM');
      await exited;
    },
  };
}
