/**
 * Diagnostic (BENCH_PG_STATS=<file>, embedded PostgreSQL only): per phase, the statements that
 * cost PostgreSQL the most time, planning and execution apart, from pg_stat_statements. It tells
 * where the database's CPU goes; the run's numbers are still reported, but traced runs are not
 * the ones to publish.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';

export interface PgStats {
  reset(): Promise<void>;
  dump(phase: string): Promise<void>;
}

const TOP = `
  SELECT calls::int, round(total_plan_time)::int AS plan_ms, round(total_exec_time)::int AS exec_ms,
         round((total_plan_time + total_exec_time) / GREATEST(calls, 1) * 1000)::int AS us_per_call,
         left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
    FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 25`;

export async function pgStats(url: string): Promise<PgStats | null> {
  const file = process.env.BENCH_PG_STATS;
  if (!file) return null;
  const q = async (sql: string) => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };
  await q('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  writeFileSync(file, '');
  return {
    reset: async () => void (await q('SELECT pg_stat_statements_reset()')),
    dump: async (phase) => appendFileSync(file, `## ${phase}\n${JSON.stringify(await q(TOP), null, 1)}\n`),
  };
}
