import { parentPort, workerData } from 'node:worker_threads';
import { Context, regulatorLoop } from './latency';

/** One regulator's loop over every endpoint (latency.ts regulatorLoad), until the parent says stop. */
const { baseUrl, token, ctx } = workerData as { baseUrl: string; token: string; ctx: Context };
let running = true;
parentPort?.once('message', () => (running = false));
regulatorLoop(baseUrl, token, ctx, () => running).then(
  (calls) => parentPort?.postMessage(calls),
  () => parentPort?.postMessage(0),
);
