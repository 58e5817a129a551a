import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource, ObjectLiteral, QueryFailedError, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { lowerBackendPriority } from '../common/cpu/priority';
import { isDatabaseError } from './prepared-statement';
import { NO_JIT } from '../common/cpu/session-options';

/** statement_timeout (and pg_cancel_backend) end a statement with this SQLSTATE. */
const PG_QUERY_CANCELED = '57014';
export const REPORTING_APPLICATION_NAME = 'arcgate-reporting';
/**
 * Two connections: at most two cores of the database busy with reports, however many regulators refresh
 * at once; the rest queue here. Bench (issue 19): with four, two overview loops and two exports on a
 * 2-core machine took the CPU the arm decisions' statements needed (decide p50 7 s).
 */
export const DEFAULT_REPORTING_POOL_SIZE = 2;
/** A province census takes seconds at worst; a statement past this is a runaway, cancelled by PostgreSQL. */
export const DEFAULT_REPORTING_STATEMENT_TIMEOUT_MS = 30_000;

/** A statement inside ReportingPool.transaction. */
export type ReportingQuery = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * The pool of the reporting plane (overview, census, summaries): its own few connections with a
 * statement_timeout, so that however many regulators press "refresh", they wait for each other here
 * and never take the connections of the device path (hot-path pool) or of the API's writes
 * (TypeORM pool), and a pathological statement is cancelled instead of holding a core.
 */
@Injectable()
export class ReportingPool implements OnApplicationShutdown {
  private readonly logger = new Logger('ReportingPool');
  private pool?: Pool;
  private closed = false;
  readonly size: number;
  readonly statementTimeoutMs: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.size = config.reporting?.poolSize ?? DEFAULT_REPORTING_POOL_SIZE;
    this.statementTimeoutMs = config.reporting?.statementTimeoutMs ?? DEFAULT_REPORTING_STATEMENT_TIMEOUT_MS;
  }

  /** Runs a TypeORM query builder's statement here (its raw rows, as getRawMany would give them). */
  rows<R = Record<string, unknown>, T extends ObjectLiteral = ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<R[]> {
    const [sql, params] = qb.getQueryAndParameters();
    return this.query<R>(sql, params);
  }

  /** The first raw row of a query builder's statement, or undefined. */
  async row<R = Record<string, unknown>, T extends ObjectLiteral = ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
  ): Promise<R | undefined> {
    return (await this.rows<R, T>(qb))[0];
  }

  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.getPool().query(sql, params)).rows as R[];
    } catch (e) {
      throw this.failure(e, sql, params);
    }
  }

  /** Runs `work` in one transaction on one reporting connection (a snapshot rewritten as a whole, or not at all). */
  async transaction<T>(work: (query: ReportingQuery) => Promise<T>): Promise<T> {
    const client = await this.getPool().connect();
    try {
      await client.query('BEGIN');
      const result = await work(async <R>(sql: string, params: unknown[] = []) => {
        try {
          return (await client.query(sql, params)).rows as R[];
        } catch (e) {
          throw this.failure(e, sql, params);
        }
      });
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  private failure(e: unknown, sql: string, params: unknown[]): unknown {
    if (isDatabaseError(e) && e.code === PG_QUERY_CANCELED)
      return new DomainError(ErrorCode.REPORT_TIMEOUT, `The report ran past ${this.statementTimeoutMs} ms`);
    // As TypeORM would surface it, so that the error filter maps a statement_timeout (57014) like any other.
    if (isDatabaseError(e)) return new QueryFailedError(sql, params, e);
    return e;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.pool?.end();
  }

  private getPool(): Pool {
    if (this.closed) throw new Error('the reporting pool is closed');
    if (this.pool) return this.pool;
    const pool = new Pool({
      connectionString: this.config.databaseUrl,
      application_name: REPORTING_APPLICATION_NAME,
      max: this.size,
      statement_timeout: this.statementTimeoutMs,
      // One core per report: parallel workers would let two refreshes take every core of a small database.
      options: `-c max_parallel_workers_per_gather=0 ${NO_JIT}`,
      idleTimeoutMillis: 60_000,
    });
    pool.on('error', (e) => this.logger.warn(`idle connection lost: ${e.message}`));
    // A report's backend yields the CPU to the arm decisions' on a shared host (embedded PostgreSQL; best effort).
    pool.on('connect', (client) => lowerBackendPriority((client as unknown as { processID?: number }).processID));
    this.pool = pool;
    return pool;
  }
}

/**
 * SERVER_ROLE=api: every backend of this process serves people (lists, exports, reports), none a
 * device, so all of them yield the CPU to the device process's on a shared host, like the process
 * itself (bootstrap/launcher.ts). Backends opened before this ran are found by their application_name.
 */
@Injectable()
export class ApiBackendPriority implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ds: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.serverRole !== 'api') return;
    const pool = (this.ds.driver as unknown as { master?: Pool }).master;
    pool?.on('connect', (client) => lowerBackendPriority((client as unknown as { processID?: number }).processID));
    const open = await this.ds.query<{ pid: number }[]>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'arcgate-api' AND datname = current_database()`,
    );
    for (const { pid } of open) lowerBackendPriority(pid);
  }
}

@Global()
@Module({ providers: [ReportingPool, ApiBackendPriority], exports: [ReportingPool] })
export class ReportingPoolModule {}
