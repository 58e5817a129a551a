/** Public API of @arcgate/device-agent (for tests and embedding; the CLI is main.ts). */
export * from './agent';
export * from './board';
export * from './clock';
export * from './config';
export * from './counter';
export * from './event-sender';
export * from './five-board';
export * from './journal';
export * from './keys';
export * from './link';
export * from './logger';
export * from './pin-map';
export * from './sampler';
export * from './scanner';
export * from './state-machine';
