import { createServer, Server } from 'node:net';

/** Resolves to `preferred` when it can be bound on host, otherwise to a free port the OS picks. */
export async function portOrFree(preferred: number, host = '127.0.0.1'): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, host, () => {
        const addr = srv.address();
        const got = typeof addr === 'object' && addr ? addr.port : port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred > 0) {
    const ok = await tryListen(preferred);
    if (ok) return ok;
  }
  const free = await tryListen(0);
  if (!free) throw new Error('No free TCP port available');
  return free;
}

/**
 * Listens on `preferred` if it can, otherwise on a port the OS picks at bind time, so that no other
 * process can take the port between choosing it and binding it. Resolves to the bound port.
 */
export async function listenPreferring(server: Server, preferred: number, host = '127.0.0.1'): Promise<number> {
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
  if (preferred > 0) {
    try {
      await listen(preferred);
      return boundPort(server);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  await listen(0);
  return boundPort(server);
}

function boundPort(server: Server): number {
  const addr = server.address();
  if (typeof addr !== 'object' || !addr) throw new Error('The server is not listening on a TCP port');
  return addr.port;
}

/**
 * A free port below the OS's ephemeral range (Linux: 32768–60999), for a listener that must get the same
 * port again after a restart. A port the OS picked lies in that range, where any outgoing connection may
 * take it as its local port while the listener is down (tests saw EADDRINUSE on restart).
 */
export async function restartablePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await portOrFree(candidate, host)) === candidate) return candidate;
  }
  throw new Error('No free TCP port below the ephemeral range');
}
