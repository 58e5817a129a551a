import type Aedes from 'aedes';
import mqtt from 'mqtt';
import { Socket } from 'node:net';
import { EmbeddedBroker, startEmbeddedBroker } from '../bootstrap/embedded-broker';
import type { AppConfig } from '../config/app-config';
import { MqttConnection, SERVER_MQTT_USERNAME, serverMqttPasswordFor } from './mqtt-connection';

const JWT = 'mqtt-connection-spec-secret';
const waitFor = async (ok: () => boolean, ms = 8000) => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
type AedesClients = Aedes & { clients: Record<string, { conn: unknown; close(): void }> };

describe('MqttConnection with the embedded broker', () => {
  let broker: EmbeddedBroker;
  let conn: MqttConnection;

  beforeAll(async () => {
    broker = await startEmbeddedBroker(
      0,
      { username: SERVER_MQTT_USERNAME, password: serverMqttPasswordFor(JWT) },
      '127.0.0.1',
    );
    const config = {
      mqtt: { url: broker.url, topicRoot: 'spec', embedded: true },
      secrets: { jwt: JWT },
    } as unknown as AppConfig;
    conn = new MqttConnection(config, broker.aedes);
    conn.onModuleInit();
    await waitFor(() => conn.connected);
  });
  afterAll(async () => {
    await conn?.onApplicationShutdown();
    await broker?.stop();
  });

  const serverSession = () => Object.values((broker.aedes as AedesClients).clients).find(() => true)!;

  it('is an authenticated MQTT session over an in-memory stream, not a socket', () => {
    expect(Object.keys((broker.aedes as AedesClients).clients)).toHaveLength(1);
    expect(serverSession().conn).not.toBeInstanceOf(Socket);
  });

  it('publishes and receives through the broker', async () => {
    const got: string[] = [];
    conn.raw.on('message', (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    await new Promise<void>((resolve, reject) =>
      conn.raw.subscribe('spec/echo', { qos: 1 }, (e) => (e ? reject(e) : resolve())),
    );
    await conn.publish('spec/echo', 'hello');
    await waitFor(() => got.includes('spec/echo=hello'));
  });

  it('carries heavy QoS 1 traffic both ways, each message answered', async () => {
    const N = 2000;
    const body = Buffer.alloc(20_000, 'x');
    conn.raw.on('message', (topic, payload) => {
      if (topic === 'spec/in') void conn.publish('spec/out', payload.subarray(0, 8));
    });
    await new Promise<void>((resolve, reject) =>
      conn.raw.subscribe('spec/in', { qos: 1 }, (e) => (e ? reject(e) : resolve())),
    );
    // A device-side peer over real TCP, with the server's credentials (the only ones this bare broker accepts).
    const peer = await mqtt.connectAsync(broker.url, {
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPasswordFor(JWT),
      clientId: 'spec-peer',
    });
    let back = 0;
    peer.on('message', () => back++);
    await peer.subscribeAsync('spec/out', { qos: 1 });
    for (let i = 0; i < N; i++) void peer.publishAsync('spec/in', body, { qos: 1 });
    await waitFor(() => back === N, 30_000);
    await peer.endAsync();
  }, 40_000);

  it('reconnects over a fresh stream when the broker drops the session', async () => {
    serverSession().close();
    await waitFor(() => !conn.connected, 2000).catch(() => undefined);
    await waitFor(() => conn.connected);
    expect(Object.keys((broker.aedes as AedesClients).clients)).toHaveLength(1);
  });
});
