import { createTestApp, TestApp } from '../../test-support/test-app';
import { RevocationListener } from '../authorization/revocation-listener';
import { DeviceGateway } from '../devices/device-gateway';
import { MqttConnection } from '../mqtt/mqtt-connection';

/**
 * SERVER_ROLE (issue 19): the api process never hears devices (no subscription to their topics, no
 * revocation listener) and the device process serves no API, only health. Subscriptions are read
 * from the embedded broker itself, not from what the server says about itself.
 */
async function brokerSubscriptionsOf(t: TestApp): Promise<string[]> {
  const mqtt = t.app.get(MqttConnection);
  for (let i = 0; i < 100 && !mqtt.connected; i++) await new Promise((r) => setTimeout(r, 50));
  if (!mqtt.connected) throw new Error('the server never connected to the broker');
  const clientId = mqtt.raw.options.clientId!;
  // The broker's own record of what this client subscribed to (a clean session is not persisted).
  const client = (t.broker!.aedes as unknown as { clients: Record<string, { subscriptions: Record<string, unknown> }> })
    .clients[clientId];
  if (!client) throw new Error(`the broker has no client ${clientId}`);
  return Object.keys(client.subscriptions);
}

describe('SERVER_ROLE=api', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false, broker: 'embedded', config: { serverRole: 'api' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('does not subscribe to device topics and does not listen for revocations', async () => {
    // A subscription would be sent right at connect; give it time to arrive.
    await new Promise((r) => setTimeout(r, 500));
    expect(await brokerSubscriptionsOf(t)).toEqual([]);
    expect(t.app.get(RevocationListener).listening).toBe(false);
  });

  it('serves the API and reports its role', async () => {
    expect((await t.http.get('/api/stats/overview')).status).toBe(401);
    const health = await t.http.get('/api/health');
    expect(health.body).toMatchObject({ role: 'api' });
  });
});

describe('SERVER_ROLE=device', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false, broker: 'embedded', config: { serverRole: 'device' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('subscribes to every device up and status topic', async () => {
    await t.app.get(DeviceGateway).ready();
    const topics = await brokerSubscriptionsOf(t);
    expect(topics).toEqual(
      expect.arrayContaining([`${t.config.mqtt.topicRoot}/d/+/up/#`, `${t.config.mqtt.topicRoot}/d/+/status`]),
    );
    expect(t.app.get(RevocationListener).listening).toBe(true);
  });

  it('answers health only: no reporting, export, log-in or UI route', async () => {
    const health = await t.http.get('/api/health');
    expect(health.body).toMatchObject({ role: 'device', database: { status: 'up' } });
    for (const path of ['/api/stats/overview', '/api/ledgers/machines/export.xlsx', '/api/docs-json', '/']) {
      const res = await t.http.get(path);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    const login = await t.http.post('/api/auth/login').send({ username: 'admin', password: 'x' });
    expect(login.status).toBe(404);
  });
});
