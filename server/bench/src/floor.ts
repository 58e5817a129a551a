import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SERVER_MQTT_USERNAME } from '../../dist/mqtt/mqtt-connection';
import { SimDevice } from './device';
import { atRate, LatencySummary, summarize, waitFor } from './stats';

export interface FloorResult {
  sent: number;
  received: number;
  latency: LatencySummary;
  seconds: number;
}

/**
 * The bare broker round trip, with no server work in it: a bench client on the server's broker
 * credentials publishes (QoS 1) to an echo topic the server does not subscribe to, receives it, and
 * republishes it (QoS 1) to the device's own down topic, where the device's connection receives it.
 * Two broker passes like an arm request (device → broker → server → broker → device), same payload
 * size, same rate, same 1,000 connections. A device cannot itself publish anywhere the server
 * would not process (its ACL allows only its status and up topics), hence the echo client.
 */
export async function brokerFloor(
  url: string,
  serverPassword: string,
  root: string,
  devices: SimDevice[],
  o: { count: number; rate: number; deadlineMs: number; payloadBytes: number },
): Promise<FloorResult> {
  const echo = await mqtt.connectAsync(url, {
    clientId: `arcgate-bench-echo-${randomBytes(3).toString('hex')}`,
    username: SERVER_MQTT_USERNAME,
    password: serverPassword,
    reconnectPeriod: 0,
    clean: true,
  });
  try {
    const prefix = `${root}/bench/echo/`;
    echo.on('message', (topic, payload) => {
      if (topic.startsWith(prefix))
        echo.publish(`${root}/d/${topic.slice(prefix.length)}/down/config`, payload, { qos: 1 });
    });
    await echo.subscribeAsync(`${prefix}+`, { qos: 1 });
    const pad = 'x'.repeat(Math.max(0, o.payloadBytes - 40));
    const samples: number[] = [];
    let received = 0;
    const started = performance.now();
    const sent = await atRate(o.count, o.rate, o.deadlineMs, (i) => {
      const d = devices[i % devices.length];
      const id = `f${i}-${randomBytes(6).toString('hex')}`;
      const t0 = performance.now();
      d.expect(id, (_m, at) => {
        samples.push(at - t0);
        received++;
      });
      echo.publish(`${prefix}${d.chip}`, JSON.stringify({ floor: id, pad }), { qos: 1 });
    });
    await waitFor(() => received >= sent, 15_000);
    return { sent, received, latency: summarize(samples), seconds: (performance.now() - started) / 1000 };
  } finally {
    await echo.endAsync(true).catch(() => undefined);
  }
}
