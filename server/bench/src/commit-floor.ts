import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { FloorResult } from './floor';
import { atRate, summarize, waitFor } from './stats';

/**
 * The database's commit floor: one-row INSERTs, each its own synchronously committed transaction,
 * at a steady rate on the bench's PostgreSQL. A granted decision must be durable before the grant
 * leaves (else a crash could forget a grant that revocation must reach), so every authorization
 * round trip contains one such commit, and its tail is the disk's fsync tail: measured here in the
 * same run so that the authorization tail can be read against it.
 */
export async function commitFloor(
  url: string,
  o: { count: number; rate: number; deadlineMs: number },
): Promise<FloorResult> {
  const pool = new Pool({ connectionString: url, max: 4 });
  try {
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_commit_floor (id bigserial PRIMARY KEY, at timestamptz NOT NULL)',
    );
    const samples: number[] = [];
    let failed = 0;
    const started = performance.now();
    const sent = await atRate(o.count, o.rate, o.deadlineMs, () => {
      const t0 = performance.now();
      pool.query('INSERT INTO bench_commit_floor (at) VALUES (now())').then(
        () => samples.push(performance.now() - t0),
        () => failed++,
      );
    });
    await waitFor(() => samples.length + failed >= sent, 30_000);
    return {
      sent,
      received: samples.length,
      latency: summarize(samples),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await pool.end();
  }
}
