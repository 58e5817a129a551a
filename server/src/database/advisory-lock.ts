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
    await c.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await fn();
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await c.end().catch(() => undefined);
  }
}
