import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { EXPORT_APPLICATION_NAME } from '../src/common/sheets/export-stream';
import type { TestApp } from './test-app';

/** Starts a download and reads only its first chunk; `close` drops the connection (a client that goes away). */
export async function openDownload(
  t: TestApp,
  path: string,
  user: string,
): Promise<{ status: number; close: () => void }> {
  const server = t.app.getHttpServer();
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const headers = await t.auth(user);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.once('data', () => {
        res.pause();
        resolve({ status: res.statusCode!, close: () => req.destroy() });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The export workers' own database connections (their state: an open cursor waits 'idle in transaction'). */
export function exportBackends(t: TestApp): Promise<{ state: string }[]> {
  return t.ds.query(`SELECT state FROM pg_stat_activity WHERE application_name = $1`, [EXPORT_APPLICATION_NAME]);
}

/** Polls `check` every 100 ms for up to `ms`; its last answer. */
export async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100)))
    if (await check()) return true;
  return check();
}
