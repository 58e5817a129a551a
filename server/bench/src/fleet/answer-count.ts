/**
 * Preload for a server replica in the fleet bench (BENCH_ANSWER_COUNT=<file>): counts the arm
 * answers (arm.grant, arm.denied) this process publishes, by patching mqtt.js's publish, and writes
 * the count to <file> twice a second. With two replicas behind one shared subscription, this is how
 * the bench knows which replica answered how many (a broker packet log is too heavy at 20,000 devices).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require('mqtt') as { MqttClient: { prototype: { publish: (...a: unknown[]) => unknown } } };

const out = process.env.BENCH_ANSWER_COUNT;
// A preload runs in every thread (export and document workers too): only the main thread publishes answers, and
// two threads renaming one temporary file crashed the server (ENOENT).
if (out && isMainThread) {
  const counts = { grant: 0, denied: 0 };
  const original = mqtt.MqttClient.prototype.publish;
  mqtt.MqttClient.prototype.publish = function counted(this: unknown, ...args: unknown[]) {
    const topic = String(args[0]);
    if (topic.endsWith('/down/arm.grant')) counts.grant++;
    else if (topic.endsWith('/down/arm.denied')) counts.denied++;
    return original.apply(this, args);
  };
  // Written aside and renamed: a reader never sees a half-written file (it read one as 0 and reported -100).
  setInterval(() => {
    try {
      writeFileSync(`${out}.${process.pid}.tmp`, JSON.stringify(counts));
      renameSync(`${out}.${process.pid}.tmp`, out);
    } catch {
      // A count not written this time is written in half a second; the bench must never crash the server.
    }
  }, 500).unref();
}
