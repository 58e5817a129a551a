import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { Pool, PoolClient } from 'pg';
import { QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NO_JIT } from '../common/cpu/session-options';
import { isDatabaseError, PreparedStatement, withPooledClient } from './prepared-statement';

export const HOT_PATH_APPLICATION_NAME = 'arcgate-hot-path';

/**
 * Default size: 2 connections per core, at least 4. More connections than that buy no throughput
 * (PostgreSQL runs one query per core; the rest is commit waits), and they cost latency: pg-pool
 * reuses the most recently released connection, so under light load most connections sit idle, and
 * when autovacuum's ANALYZE invalidates their cached plans they all re-plan together on the next
 * surge. Bench, 2 cores, 250 req/s: p99 92 ms with 10 connections, 23 and 26 ms with 4 (BENCHMARKS.md).
 */
export function defaultHotPathPoolSize(cores = availableParallelism()): number {
  return Math.max(4, 2 * cores);
}

/**
 * A pool of its own for the statements every device request runs: the arm decision and the chip
 * lookup behind message verification.
 *
 * Why not the TypeORM pool: there, a connection first used under load paid ~12 ms to connect,
 * ~25 ms for its first decision (cold catalog caches) and ~2 ms extra for each of its next five
 * (PostgreSQL plans a prepared statement five times before it settles on a generic plan). When
 * load rose, many such connections did that at once: stalls of 0.3-0.6 s at the start of the
 * bench's 250 req/s phase (BENCHMARKS.md). See defaultHotPathPoolSize for the size. Here every connection is opened at start-up and, before
 * its first use, executes each registered statement once with plan_cache_mode set to
 * force_generic_plan. That is the plan PostgreSQL settles on for these key lookups anyway (measured:
 * 35 of 40 executions generic in auto mode, same time per call). Only registered prepared
 * statements run on this pool, so the setting affects nothing else.
 */
@Injectable()
export class HotPathPool implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HotPathPool');
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly warmed = new WeakSet<PoolClient>();
  private pool?: Pool;
  private closed = false;
  /** Connections, all opened at start-up and kept. */
  readonly size: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.size = config.hotPathPoolSize ?? defaultHotPathPoolSize();
  }

  /** Statements to warm on every connection; call from constructors, before start-up ends. */
  register(...statements: PreparedStatement[]): void {
    for (const s of statements) this.statements.set(s.name, s);
  }

  /** Runs a registered statement; errors surface as TypeORM's QueryFailedError, like queryPrepared(). */
  async query<T>(statement: PreparedStatement, values: unknown[]): Promise<T[]> {
    if (!this.statements.has(statement.name))
      throw new Error(`statement ${statement.name} is not registered with the hot-path pool`);
    try {
      return await withPooledClient(this.getPool(), async (client) => {
        await this.warm(client);
        return (await client.query({ name: statement.name, text: statement.text, values })).rows as T[];
      });
    } catch (e) {
      if (isDatabaseError(e)) throw new QueryFailedError(statement.text, values, e);
      throw e;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = this.getPool();
    // All connections at once, so that each is a new one and is warmed now rather than under load.
    // (No connection exists yet when these connect() calls are made, so each opens its own.)
    await Promise.all(Array.from({ length: this.size }, () => withPooledClient(pool, (c) => this.warm(c))));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.pool?.end();
  }

  private getPool(): Pool {
    // A late device message during shutdown must not open a new pool that would outlive the app.
    if (this.closed) throw new Error('the hot-path pool is closed');
    if (this.pool) return this.pool;
    const pool = new Pool({
      connectionString: this.config.databaseUrl,
      application_name: HOT_PATH_APPLICATION_NAME,
      options: NO_JIT,
      max: this.size,
      idleTimeoutMillis: 0,
    });
    // An idle connection that dies (database restart) must not crash the process; the pool replaces it.
    pool.on('error', (e) => this.logger.warn(`idle connection lost: ${e.message}`));
    this.pool = pool;
    return pool;
  }

  /**
   * Once per connection, before its first use: each statement runs once with NULL parameters
   * inside a transaction that is rolled back. A statement that fails on NULLs (a NOT NULL column)
   * has still been parsed and planned, which is the point.
   */
  private async warm(client: PoolClient): Promise<void> {
    if (this.warmed.has(client)) return;
    try {
      await this.prepareAll(client);
    } catch (e) {
      // Not a database error as far as withPooledClient is concerned: the connection is discarded, never reused half-warmed.
      throw new Error(`hot-path connection warm-up failed: ${(e as Error).message}`);
    }
    this.warmed.add(client);
  }

  private async prepareAll(client: PoolClient): Promise<void> {
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query('BEGIN');
    try {
      for (const s of this.statements.values()) {
        await client.query('SAVEPOINT warm_up');
        await client
          .query({ name: s.name, text: s.text, values: new Array<null>(parameterCount(s.text)).fill(null) })
          .catch((e: unknown) => {
            // Integrity (23) and data (22) errors are what NULL parameters cause; anything else is worth a line.
            if (!isDatabaseError(e) || !/^2[23]/.test(e.code))
              this.logger.warn(`warm-up of ${s.name}: ${(e as Error).message}`);
          });
        await client.query('ROLLBACK TO SAVEPOINT warm_up');
      }
    } finally {
      await client.query('ROLLBACK');
    }
  }
}

/** The highest $n in a statement: how many parameters it takes. */
export function parameterCount(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

@Global()
@Module({ providers: [HotPathPool], exports: [HotPathPool] })
export class HotPathPoolModule {}
