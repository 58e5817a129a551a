import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, AddressInfo } from 'node:net';
import { Client } from 'pg';
import { spawnPostgresChild } from '../../test-support/spawn-postgres-child';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';
import { portOrFree } from './free-port';
import { isAlive, waitForExit } from './postgres/processes';

/**
 * Crash behaviour of the embedded PostgreSQL with real processes and real signals: the "server" is a
 * separate Node process running the same start-up code (test-support/embedded-postgres-child.ts).
 */
describe('embedded PostgreSQL after a crash', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const started: EmbeddedDatabase[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'arcgate-pg-crash-'));
  });

  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const db of started.splice(0)) await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function query(url: string, sql: string): Promise<unknown[]> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  }

  it('stops the postmaster within a few seconds when its server is killed with SIGKILL', async () => {
    const { child, db } = await spawnPostgresChild(join(dir, 'pg'));
    children.push(child);
    expect(isAlive(db.pid)).toBe(true);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    expect(await waitForExit(db.pid, 10_000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(await waitForExit(db.watchdogPid, 3_000)).toBe(true);
    // and the next start is clean
    const again = await startEmbeddedPostgres(join(dir, 'pg'), 0);
    started.push(again);
    expect(await query(again.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('stops an orphaned postmaster (server and watchdog both killed) and starts afresh with the data kept', async () => {
    const { child, db } = await spawnPostgresChild(join(dir, 'pg'));
    children.push(child);
    await query(db.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$before the crash$$)');
    process.kill(db.watchdogPid, 'SIGKILL');
    child.kill('SIGKILL');
    await waitForExit(child.pid!, 5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(isAlive(db.pid)).toBe(true); // the orphan this start must deal with

    const again = await startEmbeddedPostgres(join(dir, 'pg'), 0, { onRecovery: () => undefined });
    started.push(again);
    expect(isAlive(db.pid)).toBe(false);
    expect(again.pid).not.toBe(db.pid);
    expect(again.owned).toBe(true);
    expect(await query(again.url, 'SELECT v FROM kept')).toEqual([{ v: 'before the crash' }]);
  });

  it('ignores a stale postmaster.pid whose pid now belongs to another process (after a reboot)', async () => {
    const first = await startEmbeddedPostgres(join(dir, 'pg'), 0);
    await first.stop();
    const stranger = spawn('sleep', ['60']);
    children.push(stranger);
    const pg = join(dir, 'pg');
    writeFileSync(
      join(pg, 'postmaster.pid'),
      `${stranger.pid}\n${pg}\n1765000000\n54399\n${pg}\n127.0.0.1\n  1234567    12\nready   \n`,
    );
    const notes: string[] = [];
    const again = await startEmbeddedPostgres(pg, 0, { onRecovery: (t) => notes.push(t) });
    started.push(again);
    expect(isAlive(stranger.pid!)).toBe(true); // never signalled
    expect(notes.join()).toMatch(`pid ${stranger.pid} is no longer PostgreSQL`);
    expect(Number(readFileSync(join(pg, 'postmaster.pid'), 'utf8').split('\n')[0])).toBe(again.pid);
  });

  it('shares the postmaster of a live server (a CLI run beside it) and leaves it running', async () => {
    const { child, db } = await spawnPostgresChild(join(dir, 'pg'));
    children.push(child);
    const beside = await startEmbeddedPostgres(join(dir, 'pg'), 0);
    expect(beside.owned).toBe(false);
    expect(beside.pid).toBe(db.pid);
    expect(await query(beside.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await beside.stop();
    expect(isAlive(db.pid)).toBe(true);
  });

  it('starts on a fresh port when another process binds the picked one first', async () => {
    // The race made real: the first pick is a port someone else already listens on.
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const taken = (squatter.address() as AddressInfo).port;
    const picks: number[] = [];
    try {
      const db = await startEmbeddedPostgres(join(dir, 'pg'), 0, {
        pickPort: async (preferred) => {
          const port = picks.length === 0 ? taken : await portOrFree(preferred);
          picks.push(port);
          return port;
        },
      });
      started.push(db);
      expect(picks[0]).toBe(taken);
      expect(picks).toHaveLength(2);
      expect(db.port).toBe(picks[1]);
      expect(await query(db.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    } finally {
      squatter.close();
    }
  });

  it('names the cause when PostgreSQL refuses to start', async () => {
    await expect(
      startEmbeddedPostgres(join(dir, 'pg'), 0, { postgresFlags: ['-c', 'shared_buffers=lots'] }),
    ).rejects.toThrow(/PostgreSQL exited during start-up \(exit code 1\):[\s\S]*shared_buffers/);
  });
});
