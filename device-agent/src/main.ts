#!/usr/bin/env node
/**
 * CLI entry: `arcgate-agent [--config /etc/arcgate/agent.json]` runs the agent (config file and/or
 * environment, see README); `arcgate-agent --identity [--data-dir DIR]` prints the chip id and
 * public key for binding and exits; `arcgate-agent --print-label [--data-dir DIR]` prints the text of the
 * chip's label QR code (arcgate-chip:1?id=…&pk=…) for the installer to scan. Exit codes: 0 clean stop, 1 failure, 2 bad configuration.
 */
import { join } from 'node:path';
import * as mqtt from 'mqtt';
import { Agent } from './agent';
import { offsetClock } from './clock';
import { ConfigError, loadConfig } from './config';
import { JohnnyFiveBoard } from './five-board';
import { loadOrCreateChipKey } from './keys';
import { createLogger } from './logger';
import { BadgeScanner } from './scanner';

/** Longest a graceful stop may take (event delivery is bounded at 2 s inside it). */
const STOP_BOUND_MS = 5_000;

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--identity') || args.includes('--print-label')) {
    const dataDir = argValue(args, '--data-dir') ?? process.env.DATA_DIR ?? '/var/lib/arcgate-agent';
    const identity = loadOrCreateChipKey(join(dataDir, 'keys'));
    process.stdout.write(`${args.includes('--print-label') ? identity.label : JSON.stringify(identity)}\n`);
    return;
  }

  let config;
  try {
    config = loadConfig({ file: argValue(args, '--config') ?? process.env.ARCGATE_AGENT_CONFIG });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger({ level: config.logLevel, base: { service: 'arcgate-agent' } });
  const board = new JohnnyFiveBoard({ path: config.boardPath, machineKind: config.machineKind });
  const scanner = config.scannerPath ? new BadgeScanner({ path: config.scannerPath }) : null;
  const agent = new Agent({
    config,
    board,
    scanner,
    connect: (url, options) => mqtt.connect(url, options),
    clock: offsetClock(config.clockOffsetMs ?? 0),
    log,
  });

  // A crash opens the relay on the way down; the run marker left behind makes the next boot say "crash".
  const die = (what: string) => (err: unknown) => {
    try {
      board.setRelay(false);
    } finally {
      log.error(what, { error: err instanceof Error ? err.stack : String(err) });
      setTimeout(() => process.exit(1), 200);
    }
  };
  process.on('uncaughtException', die('uncaught exception: relay opened, exiting'));
  process.on('unhandledRejection', die('unhandled rejection: relay opened, exiting'));
  let stopping = false;
  // A graceful stop journals relay, power and arc as they end and tries to deliver them; bounded, so
  // a stuck port or broker cannot keep the process (the relay is opened first either way).
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    const bound = setTimeout(() => {
      board.setRelay(false);
      log.warn('stop took too long; exiting', { boundMs: STOP_BOUND_MS });
      process.exit(1);
    }, STOP_BOUND_MS);
    bound.unref();
    agent.stop().then(() => process.exit(0), die('stop failed'));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  try {
    await agent.start();
  } catch (err) {
    die('agent failed to start')(err);
  }
}

void main();
