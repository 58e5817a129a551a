import { createServer, Server } from 'node:net';
import { listenPreferring, portOrFree } from './free-port';

describe('listenPreferring', () => {
  const servers: Server[] = [];
  const open = () => {
    const s = createServer();
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('binds the preferred port when it is free', async () => {
    const preferred = await portOrFree(0);
    const server = open();
    expect(await listenPreferring(server, preferred)).toBe(preferred);
  });

  it('binds a port the OS picks when the preferred one is taken, and reports it', async () => {
    const squatter = open();
    const taken = await listenPreferring(squatter, 0);
    const server = open();
    const got = await listenPreferring(server, taken);
    expect(got).not.toBe(taken);
    expect(got).toBeGreaterThan(0);
    expect(server.listening).toBe(true);
  });

  it('passes other bind errors through', async () => {
    await expect(listenPreferring(open(), 1, '203.0.113.1')).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });
});
