// A pair of connected pseudo-terminals: the simulator opens boardPath, the host (agent, tests)
// opens hostPath exactly as it would /dev/ttyUSB0. socat does it when installed; otherwise a small
// python3 relay does; with neither, the error says how to get socat.
import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PTY_RELAY_PY } from './pty-relay';

export type PtyProvider = 'socat' | 'python3';

export interface PtyPair {
  boardPath: string;
  hostPath: string;
  provider: PtyProvider;
  close(): Promise<void>;
}

export interface OpenPtyPairOptions {
  /** Directory for the two links; a fresh temp directory (removed on close) when omitted. */
  dir?: string;
  /** Link names inside dir. */
  boardName?: string;
  hostName?: string;
  /** 'auto' (default) prefers socat, then python3. */
  provider?: PtyProvider | 'auto';
  readyTimeoutMs?: number;
  /** For tests: where to look for executables (defaults to $PATH). */
  searchPath?: string;
}

export const NO_PTY_TOOL_MESSAGE =
  'firmware-sim needs socat or python3 to create a pseudo-terminal pair. Install socat ' +
  '(Debian/Ubuntu: sudo apt-get install socat, or run firmware-sim/scripts/ensure-socat.sh).';

export function findExecutable(name: string, searchPath = process.env.PATH ?? ''): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export function choosePtyProvider(
  wanted: PtyProvider | 'auto' = 'auto',
  searchPath?: string,
): { provider: PtyProvider; executable: string } {
  const order: PtyProvider[] = wanted === 'auto' ? ['socat', 'python3'] : [wanted];
  for (const provider of order) {
    const executable = findExecutable(provider, searchPath);
    if (executable) return { provider, executable };
  }
  throw new Error(wanted === 'auto' ? NO_PTY_TOOL_MESSAGE : `${wanted} is not installed. ${NO_PTY_TOOL_MESSAGE}`);
}

export async function openPtyPair(options: OpenPtyPairOptions = {}): Promise<PtyPair> {
  const { provider, executable } = choosePtyProvider(options.provider ?? 'auto', options.searchPath);
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await fs.mkdtemp(join(tmpdir(), 'arcgate-pty-')));
  if (!ownDir) await fs.mkdir(dir, { recursive: true });
  const boardPath = join(dir, options.boardName ?? 'board');
  const hostPath = join(dir, options.hostName ?? 'host');
  const extraFiles: string[] = [];

  let child: ChildProcess;
  let readyPattern: RegExp;
  if (provider === 'socat') {
    child = spawn(executable, ['-d', '-d', `pty,raw,echo=0,link=${boardPath}`, `pty,raw,echo=0,link=${hostPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    readyPattern = /starting data transfer loop/;
  } else {
    const script = join(dir, `.${options.boardName ?? 'board'}-relay.py`);
    await fs.writeFile(script, PTY_RELAY_PY);
    extraFiles.push(script);
    // stdin stays a pipe: when this process dies the relay sees EOF and exits.
    child = spawn(executable, [script, boardPath, hostPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    readyPattern = /READY/;
  }

  trackChild(child);

  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    await Promise.all([boardPath, hostPath, ...extraFiles].map((f) => fs.rm(f, { force: true })));
    if (ownDir) await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForReady(child, provider, readyPattern, options.readyTimeoutMs ?? 5000);
  } catch (err) {
    await cleanup();
    throw err;
  }

  let closing: Promise<void> | null = null;
  return {
    boardPath,
    hostPath,
    provider,
    close: () => (closing ??= cleanup()),
  };
}

// One exit hook for every relay still running, so an aborted process does not leave them behind.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => liveChildren.forEach((c) => c.kill('SIGTERM')));
}

function waitForReady(child: ChildProcess, provider: PtyProvider, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const streams = [child.stdout, child.stderr].filter((s) => s !== null);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      streams.forEach((s) => s.removeListener('data', onData));
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      // Keep draining so a chatty child never blocks on a full pipe.
      streams.forEach((s) => s.resume());
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`${provider} exited (code ${code}) before the pty pair was ready: ${output.trim()}`));
    const onError = (err: Error): void => finish(new Error(`${provider} could not start: ${err.message}`));
    const timer = setTimeout(
      () => finish(new Error(`${provider} did not set up the pty pair within ${timeoutMs} ms: ${output.trim()}`)),
      timeoutMs,
    );
    streams.forEach((s) => s.on('data', onData));
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
