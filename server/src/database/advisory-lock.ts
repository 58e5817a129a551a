import { Client } from 'pg';

/** Keys of the session-level advisory locks that serialise start-up work across replicas. */
export const STARTUP_LOCKS = { migrations: 7_246_001, demoSeed: 7_246_002 } as const;

/**
 * Runs `fn` while holding a PostgreSQL session advisory lock on its own connection, so that replicas
 * starting at the same moment do one thing after another instead of racing (two replicas migrating an
 * empty or older database would both run the same migration, and one would fail start-up). The lock
 * goes with the connection: a process killed while holding it frees it at once.
 */
export async function withAdvisoryLock<T>(databaseUrl: string, key: number, fn: () => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: databaseUrl, application_name: 'arcgate-startup-lock' });
  await c.connect();
  try {
    await acquire(c, key);
    try {
      return await fn();
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await c.end().catch(() => undefined);
  }
}

const RETRY_MS = 200;

/**
 * Tries and sleeps rather than blocking in pg_advisory_lock: a waiter blocked inside that statement
 * holds a snapshot, and a migration that builds an index CONCURRENTLY waits for every older snapshot
 * to end, while the lock it needs is held by the migrating replica: both would wait forever (the
 * cycle runs through the migrating process, so PostgreSQL's deadlock detector never sees it).
 */
async function acquire(c: Client, key: number): Promise<void> {
  for (;;) {
    const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
    if (rows[0]?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
