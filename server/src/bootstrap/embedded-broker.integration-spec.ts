import mqtt from 'mqtt';
import { startEmbeddedBroker } from './embedded-broker';

describe('embedded broker before the device hooks are installed', () => {
  const creds = { username: 'arcgate-server', password: 'p'.repeat(64) };

  const tryConnect = (url: string, username: string, password: string) =>
    new Promise<'connected' | 'refused'>((resolve) => {
      const c = mqtt.connect(url, { username, password, reconnectPeriod: 0, connectTimeout: 3000 });
      c.once('connect', () => { c.end(true); resolve('connected'); });
      c.once('error', () => { c.end(true); resolve('refused'); });
    });

  it('admits only the server itself', async () => {
    const broker = await startEmbeddedBroker(0, creds, '127.0.0.1');
    try {
      expect(await tryConnect(broker.url, creds.username, creds.password)).toBe('connected');
      expect(await tryConnect(broker.url, creds.username, 'wrong')).toBe('refused');
      expect(await tryConnect(broker.url, 'C0123456789ABCDEFGHJK', 'anything')).toBe('refused');
    } finally {
      await broker.stop();
    }
  });
});
