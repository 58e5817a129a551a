/**
 * Starts the platform the way `npm start` does (server/dist/main.js: embedded PostgreSQL and MQTT
 * broker unless DATABASE_URL / MQTT_URL are set) as a child process, and learns from its start-up
 * banner where the web UI and the broker are. Its log goes to a file so the narrative stays readable.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningServer {
  baseUrl: string;
  brokerUrl: string;
  topicRoot: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startServer(repoRoot: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const main = join(repoRoot, 'server', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm run demo does)`);
  const dataDir = process.env.DATA_DIR ?? join(repoRoot, '.data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'demo-server.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });

  let output = '';
  const banner = await new Promise<{ port: string; broker: string | null }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const running = /ArcGate is running at http:\/\/localhost:(\d+)\//.exec(output);
      const broker = /broker:\s+(?:embedded MQTT broker on (\S+)|external MQTT broker)/.exec(output);
      if (running && broker) resolve({ port: running[1], broker: broker[1] ?? null });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) =>
      reject(new Error(`the server exited with code ${code} during start-up:\n${output.slice(-2000)}`)),
    );
    setTimeout(() => reject(new Error(`the server did not start within 120 s; see ${logFile}`)), 120_000).unref();
  });

  const baseUrl = `http://127.0.0.1:${banner.port}`;
  await waitForHealth(baseUrl, child);
  const brokerUrl = banner.broker ?? extraEnv.MQTT_URL ?? process.env.MQTT_URL;
  if (!brokerUrl) throw new Error('could not tell where the MQTT broker is');
  return {
    baseUrl,
    brokerUrl,
    topicRoot: extraEnv.MQTT_TOPIC_ROOT ?? process.env.MQTT_TOPIC_ROOT ?? 'arcgate',
    logFile,
    stop: () => stopChild(child),
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${baseUrl}/api/health did not answer within 60 s`);
}

/** SIGINT lets the server close its database and broker; SIGKILL if it takes too long. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}
