import { createServer } from 'node:net';

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
