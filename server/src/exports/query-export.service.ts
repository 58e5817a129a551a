import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditAction, AuditEntityType, AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { chinaDate } from '../common/time/china-date';
import {
  EXPORT_FETCH_ROWS,
  EXPORT_STALL_TIMEOUT_MS,
  EXPORT_STATEMENT_TIMEOUT_MS,
  ExportQueryError,
  exportHeaders,
  ExportStatement,
  QueryExportSpec,
  streamQueryExport,
} from '../common/sheets/export-stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * Exports running at once in this process; more wait their turn. Each takes a worker thread (a core
 * for the cells and the zip) and one database connection of its own: two leave the device path its
 * share on 2 cores and bound the connections exports hold.
 */
export const MAX_CONCURRENT_EXPORTS = 2;
/** statement_timeout and pg_cancel_backend end a statement with this SQLSTATE. */
const PG_QUERY_CANCELED = '57014';

/** A file that is still being written: its bytes come as the rows are read. */
export interface ExportedStream {
  stream: Readable;
  /** The rows written once the worker is done; null when the download was aborted or failed. */
  rows: Promise<number | null>;
  /** ASCII fallback name and the Chinese name, both dated (China calendar). */
  asciiName: string;
  chineseName: string;
}

/** Kept for the import templates and error reports, which are small and built whole. */
export interface ExportedFile {
  buffer: Buffer;
  asciiName: string;
  chineseName: string;
}

/**
 * Exports (ledgers, alerts) read the features' own list statements (scope and filters from the list's query builder,
 * columns chosen for the sheet) through a server-side cursor in a worker thread
 * (common/sheets/export-stream.ts): no OFFSET, no row cap but the sheet's own, no per-row work on the
 * event loop that answers devices, and memory flat whatever the row count.
 */
@Injectable()
export class QueryExportService {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  private readonly logger = new Logger('QueryExportService');

  constructor(
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * The export audited as every export is (auditedExport): one entry of `action` on a new `entityType` id, in the
   * actor's region, whose `after` is `describe(rows)` (rows null: the download was cut short). A failure to
   * record is logged, not thrown: the download has already started.
   */
  audited(
    file: ExportedStream,
    actor: Actor,
    entry: { action: AuditAction; entityType: AuditEntityType; enterpriseId: string | null },
    describe: (rows: number | null) => Record<string, unknown>,
  ): ExportedStream {
    return auditedExport(file, (rows) =>
      this.ds
        .transaction((tx) =>
          this.audit.record(tx, actor, {
            ...entry,
            entityId: randomUUID(),
            regionPath: actor.regionPath ?? null,
            before: null,
            after: describe(rows),
          }),
        )
        .catch((e: Error) => this.logger.error(`${entry.action} by ${actor.userId} not audited: ${e.message}`)),
    );
  }

  /** Waits for one of the MAX_CONCURRENT_EXPORTS slots; the returned function gives it back (once). */
  private async slot(): Promise<() => void> {
    if (this.running >= MAX_CONCURRENT_EXPORTS) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The slot passes straight to the next in line (running stays the same), or is freed.
      if (next) next();
      else this.running--;
    };
  }

  async export<R>(spec: QueryExportSpec<R>, statement: ExportStatement): Promise<ExportedStream> {
    const release = await this.slot();
    let stream: Readable;
    let rows: Promise<number | null>;
    try {
      const started = await streamQueryExport({
        sheetName: spec.sheetName,
        columns: exportHeaders(spec),
        source: spec.source,
        statement,
        ...(spec.decrypt?.length
          ? { decrypt: spec.decrypt, dataEncryptionKey: this.config.secrets.dataEncryptionKey }
          : {}),
        connectionString: this.config.databaseUrl,
        batchRows: EXPORT_FETCH_ROWS,
        statementTimeoutMs: EXPORT_STATEMENT_TIMEOUT_MS,
        idleTimeoutMs: EXPORT_STALL_TIMEOUT_MS + 30_000,
      });
      stream = started.stream;
      rows = started.finished;
      // The slot is free once the worker (and its connection) is gone, not when the response closes.
      void started.finished.then(release);
    } catch (e) {
      release();
      if (e instanceof ExportQueryError && e.code === PG_QUERY_CANCELED)
        throw new DomainError(
          ErrorCode.REPORT_TIMEOUT,
          `The export's first rows took over ${EXPORT_STATEMENT_TIMEOUT_MS} ms`,
        );
      throw e;
    }
    const day = chinaDate(this.clock.now());
    return {
      stream,
      rows,
      asciiName: `${spec.asciiBase}-${day}.xlsx`,
      chineseName: `${spec.sheetName}-${day}.xlsx`,
    };
  }
}

/**
 * Who took which rows out of the platform: `audit` is called once with the rows written when any left
 * (a complete download ends only after it returns, so a client that got the whole file knows it was
 * recorded), or with null when the download was cut short (some rows may have left). An export with
 * no rows is not audited. `audit` must not throw (log instead): the download has already started.
 */
function auditedExport(file: ExportedStream, audit: (rows: number | null) => Promise<void>): ExportedStream {
  const audited = new Transform({
    transform: (chunk: Buffer, _encoding, done) => done(null, chunk),
    // The worker has sent its last bytes: `rows` is settled by then.
    flush: (done) => void file.rows.then((rows) => (rows ? audit(rows) : undefined)).then(() => done()),
  });
  pipeline(file.stream, audited, () => undefined);
  void file.rows.then((rows) => (rows === null ? audit(null) : undefined));
  return { ...file, stream: audited };
}
