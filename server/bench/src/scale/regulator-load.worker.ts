import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../../dist/common/cpu/priority';
import { Context, regulatorLoop } from './latency';

// The regulators stand for browsers on other machines: on this shared box their HTTP and JSON work takes
// only the CPU the platform leaves (nice 19), so that it is the server's split that is measured, not theirs.
lowerThisThreadPriority('regulator-load', 19);

/** One regulator's loop over every endpoint (latency.ts regulatorLoad), until the parent says stop. */
const { baseUrl, token, ctx } = workerData as { baseUrl: string; token: string; ctx: Context };
let running = true;
parentPort?.once('message', () => (running = false));
regulatorLoop(baseUrl, token, ctx, () => running).then(
  (calls) => parentPort?.postMessage(calls),
  () => parentPort?.postMessage(0),
);
