/**
 * DEMO_MTLS=1: the demo on the production topology of issue 17 §1 instead of the embedded broker. A
 * real Mosquitto runs the configuration `npm run broker:config -- mosquitto` writes (device listener
 * with client certificates, server listener with the service CA, the ACL, the CRL); the server joins
 * it with its own client certificate and the agents connect with their chips' certificates.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p));

export interface DemoBroker {
  /** mqtts URL of the device listener. */
  deviceUrl: string;
  /** The device CA certificate (the agents verify the broker with it). */
  deviceCaFile: string;
  /** What the server needs to join the broker on its own listener (and to make it re-read the CRL). */
  serverEnv: Record<string, string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

export async function startDemoBroker(repoRoot: string, dataDir: string, topicRoot: string): Promise<DemoBroker> {
  if (!MOSQUITTO) throw new Error('DEMO_MTLS=1 needs Mosquitto 2.0 (Debian/Ubuntu: sudo apt-get install -y mosquitto)');
  const devicePort = await freePort();
  const servicePort = await freePort();
  const out = join(dataDir, 'demo', 'mosquitto');
  // The same command an operator runs, on the demo's data directory (its device CA and CRL).
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'server', 'dist', 'devices', 'pki', 'broker-config.cli.js'),
      'mosquitto',
      '--out',
      out,
      '--port',
      String(devicePort),
      '--service-port',
      String(servicePort),
    ],
    { env: { ...process.env, DATA_DIR: dataDir, MQTT_TOPIC_ROOT: topicRoot }, stdio: 'ignore' },
  );
  const config = join(out, 'mosquitto.conf');
  // Started as root, Mosquitto drops to the user "mosquitto", who cannot read the 0600 broker key.
  if (process.getuid?.() === 0) appendFileSync(config, 'user root\n');
  const broker: ChildProcess = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  broker.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const until = Date.now() + 8_000;
  while (!(await listening(devicePort))) {
    if (broker.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
    if (Date.now() > until) throw new Error(`mosquitto did not listen on ${devicePort}: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    deviceUrl: `mqtts://127.0.0.1:${devicePort}`,
    deviceCaFile: join(out, 'device-ca.crt'),
    serverEnv: {
      MQTT_URL: `mqtts://127.0.0.1:${servicePort}`,
      MQTT_CA_FILE: join(out, 'device-ca.crt'),
      MQTT_CLIENT_CERT_FILE: join(out, 'server-client.crt'),
      MQTT_CLIENT_KEY_FILE: join(out, 'server-client.key'),
      MQTT_TOPIC_ROOT: topicRoot,
      DEVICE_CRL_RELOAD_COMMAND: `kill -HUP ${broker.pid}`,
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (broker.exitCode !== null) return resolve();
        broker.once('exit', () => resolve());
        broker.kill('SIGTERM');
      }),
  };
}
