/**
 * One ArcGate server replica as its own process (server/dist/main.js), configured only through the
 * environment, as a systemd unit or a container would run it (docs/deployment.md). Several replicas
 * share one database, one broker and the same secrets; each has its own data directory.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { portOrFree } from '../../server/src/bootstrap/free-port';
import { REPO_ROOT } from './process-rig';

const MAIN = join(REPO_ROOT, 'server', 'dist', 'main.js');

/** What every replica of one deployment must share (in production: from a secret store, not generated). */
export function sharedSecrets(): Record<string, string> {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    CODE_SIGNING_KEY: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DEVICE_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64'),
  };
}

export class ServerReplica {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly logFile: string,
  ) {}

  /** Starts the process and waits until /api/health answers 200 (database and broker up). */
  static async start(
    name: string,
    dir: string,
    env: Record<string, string>,
    healthTimeoutMs = 60_000,
  ): Promise<ServerReplica> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the server first (npm run build)`);
    mkdirSync(dir, { recursive: true });
    const port = await portOrFree(0);
    const logFile = join(dir, `${name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [MAIN], {
      cwd: join(REPO_ROOT, 'server'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        DATA_DIR: join(dir, 'data'),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const replica = new ServerReplica(name, child, `http://127.0.0.1:${port}`, logFile);
    const until = Date.now() + healthTimeoutMs;
    for (;;) {
      if (!replica.running) throw new Error(`${name} exited during start-up; see ${logFile}`);
      const res = await fetch(`${replica.baseUrl}/api/health`).catch(() => null);
      if (res?.ok) return replica;
      if (Date.now() > until) throw new Error(`${name} was not healthy within ${healthTimeoutMs} ms; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGSTOP: the process holds its connections but does nothing (as a stalled or swapping host). */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  /** Resident memory (MB) from /proc. */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  }

  /**
   * Local ports of this process's TCP connections to `remotePort` on this host (its socket inodes in
   * /proc/<pid>/fd matched against /proc/net/tcp{,6}): tells which broker client is which replica.
   */
  localPortsTo(remotePort: number): number[] {
    const fdDir = `/proc/${this.child.pid}/fd`;
    const inodes = new Set(
      readdirSync(fdDir).flatMap((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${fdDir}/${fd}`));
          return m ? [m[1]] : [];
        } catch {
          return [];
        }
      }),
    );
    const ports: number[] = [];
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!existsSync(table)) continue;
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10 || !inodes.has(f[9])) continue;
        const port = (addr: string) => parseInt(addr.slice(addr.lastIndexOf(':') + 1), 16);
        if (port(f[2]) === remotePort) ports.push(port(f[1]));
      }
    }
    return ports;
  }

  /** kill -9: no shutdown hook runs, nothing is flushed, the broker sees the TCP connection drop. */
  async crash(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (graceful), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
