// Public API of @arcgate/firmware-sim.
export * from './firmata/constants';
export * from './firmata/messages';
export * from './firmata/parser';
export * from './firmata/board';
export * from './firmata/scheduler';
export * from './machine/clock';
export * from './machine/random';
export * from './machine/physics';
export * from './machine/machine-model';
export * from './machine/pin-map';
export * from './serial/pty-pair';
export * from './serial/serial-link';
export * from './serial/badge-scanner';
export * from './simulated-machine';
export { parseCommand, runCommand, formatStatus, CommandError, COMMAND_HELP } from './cli/commands';
export type { Command, CommandIo } from './cli/commands';
