// The simulator's command language, shared by the interactive prompt and --script files.
import type { ContactCondition } from '../machine/physics';
import { SimulatedMachine, MachineSnapshot } from '../simulated-machine';

export type Command =
  | { kind: 'trigger'; on: boolean }
  | { kind: 'scan'; code: string }
  | { kind: 'enclosure'; open: boolean }
  | { kind: 'bypass'; on: boolean }
  | { kind: 'leak'; on: boolean }
  | { kind: 'overdrive'; on: boolean }
  | { kind: 'contacts'; condition: ContactCondition }
  | { kind: 'network'; cut: boolean }
  | { kind: 'sleep'; ms: number }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'quit' };

export const COMMAND_HELP = [
  'trigger on|off        press / release the torch trigger',
  'scan <code>           scan a badge (the code goes out on the scanner line)',
  'enclosure open|close  open / close the enclosure (tamper switch)',
  'bypass on|off         wire around the contactor (a modified machine)',
  'leak on|off           start / stop a combustible-gas leak',
  'overdrive on|off      defeat the current limiter: 1.8 × the setpoint (a modified machine)',
  'contacts ok|welded|stuck  the relay contacts follow the coil, are welded shut, or stuck open',
  'network cut|restore   tell the harness to cut / restore the network',
  'sleep <ms>            wait (mostly for scripts)',
  "status                print the machine state (output live/dead, coil, watchdog and the last kick's age)",
  'quit                  power off and exit',
].join('\n');

export class CommandError extends Error {}

function onOff(word: string | undefined, on: string, off: string, usage: string): boolean {
  if (word === on) return true;
  if (word === off) return false;
  throw new CommandError(`usage: ${usage}`);
}

/** Parses one line; blank lines and '#' comments give null. */
export function parseCommand(line: string): Command | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const [verb, ...args] = trimmed.split(/\s+/);
  const arg = args[0];
  const exactly = (n: number, usage: string): void => {
    if (args.length !== n) throw new CommandError(`usage: ${usage}`);
  };
  switch (verb.toLowerCase()) {
    case 'trigger':
      exactly(1, 'trigger on|off');
      return { kind: 'trigger', on: onOff(arg, 'on', 'off', 'trigger on|off') };
    case 'scan':
      exactly(1, 'scan <code>');
      return { kind: 'scan', code: arg };
    case 'enclosure':
      exactly(1, 'enclosure open|close');
      return { kind: 'enclosure', open: onOff(arg, 'open', 'close', 'enclosure open|close') };
    case 'bypass':
      exactly(1, 'bypass on|off');
      return { kind: 'bypass', on: onOff(arg, 'on', 'off', 'bypass on|off') };
    case 'leak':
      exactly(1, 'leak on|off');
      return { kind: 'leak', on: onOff(arg, 'on', 'off', 'leak on|off') };
    case 'overdrive':
      exactly(1, 'overdrive on|off');
      return { kind: 'overdrive', on: onOff(arg, 'on', 'off', 'overdrive on|off') };
    case 'contacts': {
      exactly(1, 'contacts ok|welded|stuck');
      const condition = ({ ok: 'ok', welded: 'welded', stuck: 'stuck_open' } as const)[
        arg as 'ok' | 'welded' | 'stuck'
      ];
      if (!condition) throw new CommandError('usage: contacts ok|welded|stuck');
      return { kind: 'contacts', condition };
    }
    case 'network':
      exactly(1, 'network cut|restore');
      return { kind: 'network', cut: onOff(arg, 'cut', 'restore', 'network cut|restore') };
    case 'sleep': {
      exactly(1, 'sleep <ms>');
      const ms = Number(arg);
      if (!Number.isInteger(ms) || ms < 0 || ms > 3_600_000)
        throw new CommandError('sleep takes whole milliseconds, 0..3600000');
      return { kind: 'sleep', ms };
    }
    case 'status':
      exactly(0, 'status');
      return { kind: 'status' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      throw new CommandError(`unknown command "${verb}" (try help)`);
  }
}

export function formatStatus(s: MachineSnapshot): string {
  const r = s.readings;
  const flow =
    s.kind === 'gas'
      ? `flow=${r.gasFlowLpm.toFixed(1)}L/min flame=${r.flame ? 'yes' : 'no'}`
      : `current=${r.currentA.toFixed(1)}A`;
  return [
    `relay=${s.relayClosed ? 'closed' : 'open'}`,
    `trigger=${s.triggerPressed ? 'on' : 'off'}`,
    flow,
    `voltage=${r.voltageV.toFixed(1)}V`,
    `lel=${r.lelPercent.toFixed(1)}%LEL`,
    `enclosure=${s.enclosureOpen ? 'open' : 'closed'}`,
    `bypass=${s.bypass ? 'on' : 'off'}`,
    `leak=${s.gasLeak ? 'on' : 'off'}`,
    `overdrive=${s.overdrive ? 'on' : 'off'}`,
    `contacts=${s.contacts}`,
    `network=${s.network}`,
    `led=${s.statusLed ? 'on' : 'off'}`,
    `buzzer=${s.buzzer ? 'on' : 'off'}`,
    `host=${s.hostConnected ? 'connected' : 'waiting'}`,
    `output=${s.readings.energised ? 'live' : 'dead'}`,
    `coil=${s.coilPowered ? 'powered' : `off(${s.watchdog.coilOffReason})`}`,
    `watchdog=${s.watchdog.tripped ? 'tripped' : s.watchdog.kickAgeMs === null ? 'uncharged' : 'ok'}`,
    `kick_age=${s.watchdog.kickAgeMs === null ? 'never' : `${s.watchdog.kickAgeMs}ms`}`,
  ].join(' ');
}

export interface CommandIo {
  print(line: string): void;
  sleep(ms: number): Promise<void>;
}

/** Runs one command; resolves 'quit' when the session should end. */
export async function runCommand(
  machine: SimulatedMachine,
  command: Command,
  io: CommandIo,
): Promise<'continue' | 'quit'> {
  switch (command.kind) {
    case 'trigger':
      if (command.on) machine.pressTrigger();
      else machine.releaseTrigger();
      break;
    case 'scan':
      await machine.scanBadge(command.code);
      break;
    case 'enclosure':
      if (command.open) machine.openEnclosure();
      else machine.closeEnclosure();
      break;
    case 'bypass':
      if (command.on) machine.startBypass();
      else machine.stopBypass();
      break;
    case 'leak':
      if (command.on) machine.startGasLeak();
      else machine.stopGasLeak();
      break;
    case 'overdrive':
      if (command.on) machine.startOverdrive();
      else machine.stopOverdrive();
      break;
    case 'contacts':
      machine.setContacts(command.condition);
      break;
    case 'network':
      if (command.cut) machine.cutNetwork();
      else machine.restoreNetwork();
      break;
    case 'sleep':
      await io.sleep(command.ms);
      return 'continue';
    case 'status':
      io.print(formatStatus(machine.snapshot()));
      return 'continue';
    case 'help':
      io.print(COMMAND_HELP);
      return 'continue';
    case 'quit':
      return 'quit';
  }
  io.print('ok');
  return 'continue';
}
