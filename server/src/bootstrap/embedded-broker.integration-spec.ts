import mqtt from 'mqtt';
import { connect } from 'node:net';
import { startEmbeddedBroker } from './embedded-broker';

describe('embedded broker before the device hooks are installed', () => {
  const creds = { username: 'arcgate-server', password: 'p'.repeat(64) };

  const tryConnect = (url: string, username: string, password: string) =>
    new Promise<'connected' | 'refused'>((resolve) => {
      const c = mqtt.connect(url, { username, password, reconnectPeriod: 0, connectTimeout: 3000 });
      c.once('connect', () => {
        c.end(true);
        resolve('connected');
      });
      c.once('error', () => {
        c.end(true);
        resolve('refused');
      });
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

  it('drops a client whose CONNECT announces more than MAX_CONNECT_PACKET_BYTES, before reading it, and keeps serving', async () => {
    const broker = await startEmbeddedBroker(0, creds, '127.0.0.1');
    try {
      const sock = connect(broker.port, '127.0.0.1');
      await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
      const closed = new Promise<number>((resolve) => sock.once('close', () => resolve(Date.now())));
      sock.on('error', () => undefined);
      // CONNECT with a remaining length of 200 MB (varint 0x80 0x80 0x80 0x64), then 64 KB of it.
      sock.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]));
      const started = Date.now();
      sock.write(Buffer.alloc(64 * 1024, 0x41));
      expect((await closed) - started).toBeLessThan(2000);
      expect(await tryConnect(broker.url, creds.username, creds.password)).toBe('connected');
    } finally {
      await broker.stop();
    }
  });
});
