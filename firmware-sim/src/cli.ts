#!/usr/bin/env node
// arcgate-sim: run a simulated welding machine and act on it from stdin or a script.
//   arcgate-sim run --kind electric_arc --name M1 [--process MMA|TIG|MIG] [--setpoint N]
//                   [--seed N] [--dir DIR] [--pty auto|socat|python3] [--script FILE] [--json]
//                   [--clock-offset-ms N]   (the board's clock runs N ms off: fault tests)
// Prints the serial paths, then reads commands (see `help`) until `quit` or end of input.
import { promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { COMMAND_HELP, CommandError, parseCommand, runCommand } from './cli/commands';
import { ARC_PROCESSES, ArcProcess, MACHINE_KINDS, MachineKind } from './machine/physics';
import { PtyProvider } from './serial/pty-pair';
import { SimulatedMachine } from './simulated-machine';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborting ends the session as `quit` would (signals). */
  signal?: AbortSignal;
}

export const USAGE = `usage: arcgate-sim run --kind ${MACHINE_KINDS.join('|')} --name NAME [--process ${ARC_PROCESSES.join('|')}]
                       [--setpoint N] [--seed N] [--dir DIR] [--pty auto|socat|python3] [--script FILE] [--json]
                       [--clock-offset-ms N]
commands:
${COMMAND_HELP}`;

class UsageError extends Error {}

interface RunOptions {
  kind: MachineKind;
  name: string;
  process?: ArcProcess;
  setpoint?: number;
  seed?: number;
  dir?: string;
  pty?: PtyProvider | 'auto';
  script?: string;
  json: boolean;
  clockOffsetMs: number;
}

function parseRunArgs(args: string[]): RunOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      process: { type: 'string' },
      setpoint: { type: 'string' },
      seed: { type: 'string' },
      dir: { type: 'string' },
      pty: { type: 'string' },
      script: { type: 'string' },
      json: { type: 'boolean', default: false },
      'clock-offset-ms': { type: 'string' },
    },
  });
  const kind = values.kind as MachineKind | undefined;
  if (!kind || !MACHINE_KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${MACHINE_KINDS.join(', ')}`);
  if (!values.name) throw new UsageError('--name is required');
  const process = values.process as ArcProcess | undefined;
  if (process !== undefined && !ARC_PROCESSES.includes(process))
    throw new UsageError(`--process must be one of ${ARC_PROCESSES.join(', ')}`);
  const number = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a non-negative number`);
    return n;
  };
  const offsetRaw = values['clock-offset-ms'];
  const clockOffsetMs = offsetRaw === undefined ? 0 : Number(offsetRaw);
  if (!Number.isInteger(clockOffsetMs) || Math.abs(clockOffsetMs) > 86_400_000)
    throw new UsageError('--clock-offset-ms must be whole milliseconds within ±1 day');
  const pty = values.pty as PtyProvider | 'auto' | undefined;
  if (pty !== undefined && !['auto', 'socat', 'python3'].includes(pty))
    throw new UsageError('--pty must be auto, socat or python3');
  return {
    kind,
    name: values.name,
    process,
    setpoint: number('setpoint', values.setpoint),
    seed: number('seed', values.seed),
    dir: values.dir,
    pty,
    script: values.script,
    json: values.json ?? false,
    clockOffsetMs,
  };
}

/** Runs the CLI; resolves the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const print = (line: string): void => void io.stdout.write(`${line}\n`);
  const fail = (line: string): void => void io.stderr.write(`${line}\n`);
  const [verb, ...rest] = argv;
  if (verb !== 'run') {
    fail(USAGE);
    return 2;
  }
  let options: RunOptions;
  let script: string[] = [];
  try {
    options = parseRunArgs(rest);
    if (options.script) script = (await fs.readFile(options.script, 'utf8')).split(/\r?\n/);
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }

  const machine = new SimulatedMachine({
    name: options.name,
    kind: options.kind,
    process: options.process,
    setpoint: options.setpoint,
    seed: options.seed,
    dir: options.dir,
    ptyProvider: options.pty,
    ...(options.clockOffsetMs ? { clock: { now: () => Date.now() + options.clockOffsetMs } } : {}),
  });
  const paths = await machine.start();
  machine.on('relay', (closed) => print(`event: relay ${closed ? 'closed' : 'open'}`));
  machine.on('statusLed', (on) => print(`event: status led ${on ? 'on' : 'off'}`));
  machine.on('buzzer', (on) => print(`event: buzzer ${on ? 'on' : 'off'}`));
  machine.on('reset', () => print('event: host reset the board'));
  machine.on('hostConnected', () => print('event: host connected'));
  print(`machine ${options.name} (${options.kind}) running`);
  print(`firmata serial: ${paths.serialPath}`);
  print(`badge scanner: ${paths.scannerPath}`);
  print(`state file: ${paths.stateFile}`);
  if (options.json) print(JSON.stringify({ name: options.name, kind: options.kind, ...paths }));

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        io.signal?.removeEventListener('abort', done);
        resolve();
      }
      io.signal?.addEventListener('abort', done, { once: true });
    });
  const exec = async (line: string): Promise<'continue' | 'quit'> => {
    const command = parseCommand(line);
    return command ? runCommand(machine, command, { print, sleep }) : 'continue';
  };

  let exitCode = 0;
  let quit = false;
  try {
    for (const [index, line] of script.entries()) {
      if (io.signal?.aborted) break;
      try {
        if ((await exec(line)) === 'quit') {
          quit = true;
          break;
        }
      } catch (err) {
        fail(`${options.script}:${index + 1}: ${(err as Error).message}`);
        exitCode = 1;
        quit = true;
        break;
      }
    }
    if (!quit && !io.signal?.aborted) await interactive(io, exec, fail);
  } finally {
    await machine.stop();
    print('machine stopped');
  }
  return exitCode;
}

async function interactive(
  io: CliIo,
  exec: (line: string) => Promise<'continue' | 'quit'>,
  fail: (line: string) => void,
): Promise<void> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  const onAbort = (): void => rl.close();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const line of rl) {
      try {
        if ((await exec(line)) === 'quit') break;
      } catch (err) {
        fail(err instanceof CommandError ? err.message : `error: ${(err as Error).message}`);
      }
    }
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    rl.close();
  }
}

if (require.main === module) {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  })
    .then((code) => process.exit(code))
    .catch((err: Error) => {
      process.stderr.write(`arcgate-sim: ${err.message}\n`);
      process.exit(1);
    });
}
