import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { SYSTEM_ACTOR } from '../../access/actor';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock/clock';
import { faultPoint } from '../../common/fault/fault-points';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_FORMAT,
  archiveFileName,
  readArchiveFile,
  removeOtherFiles,
  writeArchiveFile,
  writeManifest,
} from './archive-file';
import {
  compareMonths,
  EventMonth,
  formatMonth,
  isDue,
  monthOf,
  monthOfPartition,
  monthRange,
  partitionName,
} from './archive-months';

export const DEFAULT_EVENT_RETENTION_MONTHS = 13;
/** A restored month stays in the database this long before the periodic job archives it again. */
export const RESTORE_HOLD_DAYS = 30;
/** One archive or restore at a time per database (replicas, the CLI and the job alike). */
const ARCHIVE_LOCK = 727_019;
/** The drop waits at most this long for device_events' lock, so device writes never queue long behind it. */
const DROP_LOCK_TIMEOUT = '2s';

export interface EventArchiverOptions {
  dir: string;
  retentionMonths: number;
}

export interface CatalogueEntry {
  month: EventMonth;
  file: string;
  generation: number;
  rows: number;
  sha256: string;
  bytes: number;
  archivedAt: Date;
  droppedAt: Date | null;
  restoredAt: Date | null;
}

export type ArchiveOutcome =
  | { month: string; outcome: 'archived'; rows: number; file: string }
  | { month: string; outcome: 'empty' | 'already_archived' | 'held_after_restore' };

export class ArchiveBusyError extends Error {
  constructor() {
    super('another archive or restore is running on this database; try again when it has finished');
  }
}

/** The month's rows changed between the export and the drop (a late event): nothing dropped, the next run exports again. */
export class ArchiveChangedError extends Error {}

const COLS = ARCHIVE_COLUMNS.join(', ');
const iso = (d: Date) => d.toISOString();

/**
 * Retention of raw device events (issue 19 §3). Months of device_events older than the retention
 * period are exported to a gzip'd COPY file per month, fsync'd and verified by re-reading (row count
 * and SHA-256), and only then dropped, in one transaction that re-counts the month under lock and
 * writes the catalogue row and the audit entry. Arcs and decisions are never touched: they are the
 * legal record. The data moves as COPY streams between PostgreSQL and the file: no month is ever
 * held in memory, and the event loop only passes buffers on.
 */
export class EventArchiver {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    readonly options: EventArchiverOptions,
  ) {}

  /** Months of device_events (partitions, and rows of the default partition) that are due at the clock's now. */
  async dueMonths(): Promise<EventMonth[]> {
    const now = this.clock.now();
    const found = new Map<string, EventMonth>();
    const add = (m: EventMonth | null) => {
      if (m && isDue(m, now, this.options.retentionMonths)) found.set(formatMonth(m), m);
    };
    const parts: { name: string }[] = await this.ds.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'device_events'::regclass`,
    );
    for (const p of parts) add(monthOfPartition(p.name));
    const stray: { m: Date }[] = await this.ds.query(
      `SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM device_events_default`,
    );
    for (const s of stray) add(monthOf(new Date(s.m)));
    return [...found.values()].sort(compareMonths);
  }

  /** The periodic job: every due month, oldest first; a month that fails is logged by the caller and retried next run. */
  async runDue(): Promise<ArchiveOutcome[]> {
    const out: ArchiveOutcome[] = [];
    for (const m of await this.dueMonths()) out.push(await this.archiveMonth(m));
    return out;
  }

  async catalogue(): Promise<CatalogueEntry[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, file, generation, rows::float8 AS rows, sha256, bytes::float8 AS bytes,
              archived_at, dropped_at, restored_at FROM device_event_archives ORDER BY month`,
    );
    return rows.map(toEntry);
  }

  /** Rows of the month still in device_events, per place (its partition, the default partition). */
  async liveRows(m: EventMonth): Promise<number> {
    const { from, to } = monthRange(m);
    const r: { n: number }[] = await this.ds.query(
      `SELECT count(*)::float8 AS n FROM device_events WHERE occurred_at >= $1 AND occurred_at < $2`,
      [from, to],
    );
    return r[0].n;
  }

  /**
   * Archives one month and drops its rows. Idempotent: a month already archived and dropped is left
   * alone; a crash at any point leaves the rows in the database (the next run exports again) or the
   * month dropped with its catalogue row and a verified file, never rows gone without a file.
   */
  async archiveMonth(m: EventMonth): Promise<ArchiveOutcome> {
    return this.withLock(async (qr, client) => {
      const month = formatMonth(m);
      const cat = await this.entry(qr.manager, m);
      if (cat?.restoredAt && !cat.droppedAt) {
        const holdEnds = cat.restoredAt.getTime() + RESTORE_HOLD_DAYS * 86_400_000;
        if (this.clock.now().getTime() < holdEnds) return { month, outcome: 'held_after_restore' };
      }
      const live = await this.liveRows(m);
      if (live === 0) {
        await this.dropEmptyPartition(qr, m);
        return { month, outcome: cat ? 'already_archived' : 'empty' };
      }
      // Late rows of a month already dropped: the new file holds the old archive's rows and the new ones.
      if (cat?.droppedAt) await this.copyIntoDatabase(qr, client, m, cat);

      const generation = (cat?.generation ?? 0) + 1;
      const file = archiveFileName(m, generation);
      const written = await this.export(client, m, file);
      const check = await readArchiveFile(join(this.options.dir, file));
      if (check.rows !== written.rows || check.sha256 !== written.sha256 || check.bytes !== written.bytes)
        throw new Error(`archive ${file} does not read back as written`);
      const { from, to } = monthRange(m);
      const archivedAt = this.clock.now();
      await writeManifest(this.options.dir, {
        format: ARCHIVE_FORMAT,
        month,
        generation,
        file,
        columns: ARCHIVE_COLUMNS,
        from: iso(from),
        to: iso(to),
        archivedAt: iso(archivedAt),
        ...check,
      });
      faultPoint('archive.after-write');
      await this.drop(qr, m, { file, generation, ...check }, archivedAt);
      removeOtherFiles(this.options.dir, m, file);
      return { month, outcome: 'archived', rows: check.rows, file };
    });
  }

  /**
   * Puts an archived month back into device_events (into its partition, created if need be). Twice is
   * the same as once: rows already present are skipped by the primary key.
   */
  async restoreMonth(m: EventMonth): Promise<{ month: string; rows: number; inserted: number }> {
    return this.withLock(async (qr, client) => {
      const cat = await this.entry(qr.manager, m);
      if (!cat) throw new Error(`no archive of ${formatMonth(m)} in the catalogue`);
      await qr.startTransaction();
      try {
        const inserted = await this.copyIntoDatabase(qr, client, m, cat);
        const now = this.clock.now();
        await qr.query(`UPDATE device_event_archives SET restored_at = $2, dropped_at = NULL WHERE month = $1`, [
          monthRange(m).from,
          now,
        ]);
        await this.audit.record(qr.manager, SYSTEM_ACTOR, {
          action: 'device_events.restore',
          entityType: 'device_event_month',
          entityId: formatMonth(m),
          before: { file: cat.file, rows: cat.rows, sha256: cat.sha256 },
          after: { inserted, heldUntil: iso(new Date(now.getTime() + RESTORE_HOLD_DAYS * 86_400_000)) },
        });
        await qr.commitTransaction();
        return { month: formatMonth(m), rows: cat.rows, inserted };
      } catch (e) {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        throw e;
      }
    });
  }

  private async withLock<T>(fn: (qr: QueryRunner, client: PoolClient) => Promise<T>): Promise<T> {
    const qr = this.ds.createQueryRunner();
    const client = (await qr.connect()) as PoolClient;
    try {
      const got: { ok: boolean }[] = await qr.query('SELECT pg_try_advisory_lock($1) AS ok', [ARCHIVE_LOCK]);
      if (!got[0].ok) throw new ArchiveBusyError();
      try {
        return await fn(qr, client);
      } finally {
        await qr.query('SELECT pg_advisory_unlock($1)', [ARCHIVE_LOCK]);
      }
    } finally {
      await qr.release();
    }
  }

  private async entry(em: EntityManager, m: EventMonth): Promise<CatalogueEntry | null> {
    const rows: Record<string, unknown>[] = await em.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, file, generation, rows::float8 AS rows, sha256, bytes::float8 AS bytes,
              archived_at, dropped_at, restored_at FROM device_event_archives WHERE month = $1`,
      [monthRange(m).from],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** One REPEATABLE READ snapshot of the month, streamed by COPY into the file. */
  private async export(client: PoolClient, m: EventMonth, file: string) {
    const { from, to } = monthRange(m);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      // Text timestamps carry their offset; UTC makes the file read the same wherever it is restored.
      await client.query(`SET LOCAL TIME ZONE 'UTC'`);
      const source = client.query(
        copyTo(
          `COPY (SELECT ${COLS} FROM device_events WHERE occurred_at >= '${iso(from)}' AND occurred_at < '${iso(to)}') TO STDOUT`,
        ),
      );
      const digest = await writeArchiveFile(source, this.options.dir, file);
      if (source.rowCount !== digest.rows)
        throw new Error(`COPY sent ${source.rowCount} rows, the file holds ${digest.rows}`);
      await client.query('COMMIT');
      return digest;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * The drop: the month's rows are re-counted while new ones are kept out (SHARE locks on its
   * partition and the default partition), and dropped only if they are exactly the rows archived.
   */
  private async drop(
    qr: QueryRunner,
    m: EventMonth,
    a: { file: string; generation: number; rows: number; sha256: string; bytes: number },
    archivedAt: Date,
  ): Promise<void> {
    const { from, to } = monthRange(m);
    const partition = await this.attachedPartition(qr, m);
    await qr.startTransaction();
    try {
      await qr.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      if (partition) await qr.query(`LOCK TABLE ${partition} IN SHARE MODE`);
      await qr.query(`LOCK TABLE device_events_default IN SHARE MODE`);
      const now = await this.liveRowsIn(qr.manager, from, to);
      if (now !== a.rows)
        throw new ArchiveChangedError(
          `${formatMonth(m)} holds ${now} rows, ${a.rows} were archived: nothing dropped, the next run archives again`,
        );
      // The exactly-once guard of these events: below its chip's watermark a seq is never looked at again except
      // to refuse a replay, and a replay of an archived event is caught by the archive's primary key when the
      // month is next merged (late rows). Without this the guard would grow by ~110 bytes per event for ever.
      await qr.query(
        `DELETE FROM device_event_seqs s USING device_events e, chips c
          WHERE e.occurred_at >= $1 AND e.occurred_at < $2 AND s.chip_id = e.chip_id AND s.seq = e.seq
            AND c.chip_id = s.chip_id AND s.seq <= c.last_seq`,
        [from, to],
      );
      if (partition) await qr.query(`DROP TABLE ${partition}`);
      await qr.query(`DELETE FROM device_events_default WHERE occurred_at >= $1 AND occurred_at < $2`, [from, to]);
      await qr.query(
        `INSERT INTO device_event_archives (month, file, generation, rows, sha256, bytes, archived_at, dropped_at, restored_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, NULL)
         ON CONFLICT (month) DO UPDATE SET file = $2, generation = $3, rows = $4, sha256 = $5, bytes = $6,
           archived_at = $7, dropped_at = $7, restored_at = NULL`,
        [from, a.file, a.generation, a.rows, a.sha256, a.bytes, archivedAt],
      );
      await this.audit.record(qr.manager, SYSTEM_ACTOR, {
        action: 'device_events.archive',
        entityType: 'device_event_month',
        entityId: formatMonth(m),
        before: { rows: a.rows, partition: partition ?? null },
        after: {
          file: a.file,
          rows: a.rows,
          sha256: a.sha256,
          bytes: a.bytes,
          retentionMonths: this.options.retentionMonths,
        },
      });
      await qr.commitTransaction();
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      throw e;
    }
  }

  private async liveRowsIn(em: EntityManager, from: Date, to: Date): Promise<number> {
    const r: { n: number }[] = await em.query(
      `SELECT count(*)::float8 AS n FROM device_events WHERE occurred_at >= $1 AND occurred_at < $2`,
      [from, to],
    );
    return r[0].n;
  }

  private async attachedPartition(qr: QueryRunner, m: EventMonth): Promise<string | null> {
    const name = partitionName(m);
    const r: unknown[] = await qr.query(
      `SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'device_events'::regclass AND c.relname = $1`,
      [name],
    );
    return r.length ? name : null;
  }

  /** An empty partition of a due month (already archived, or never used) is dropped without a file. */
  private async dropEmptyPartition(qr: QueryRunner, m: EventMonth): Promise<void> {
    const partition = await this.attachedPartition(qr, m);
    if (!partition) return;
    await qr.startTransaction();
    try {
      await qr.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      await qr.query(`LOCK TABLE ${partition} IN SHARE MODE`);
      const r: unknown[] = await qr.query(`SELECT 1 FROM ${partition} LIMIT 1`);
      if (r.length === 0) await qr.query(`DROP TABLE ${partition}`);
      await qr.commitTransaction();
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      throw e;
    }
  }

  /**
   * Verifies the file against the catalogue and streams it into the month's partition (created if
   * missing; rows of that month found in the default partition move into it). Returns the rows
   * inserted; rows already present are skipped. Runs in the caller's transaction when one is open.
   */
  private async copyIntoDatabase(
    qr: QueryRunner,
    client: PoolClient,
    m: EventMonth,
    cat: CatalogueEntry,
  ): Promise<number> {
    const path = join(this.options.dir, cat.file);
    const check = await readArchiveFile(path);
    if (check.rows !== cat.rows || check.sha256 !== cat.sha256)
      throw new Error(
        `archive ${path} does not match the catalogue (rows ${check.rows}/${cat.rows}, sha256 ${check.sha256}/${cat.sha256})`,
      );
    const own = !qr.isTransactionActive;
    if (own) await qr.startTransaction();
    try {
      await qr.query(`SET LOCAL TIME ZONE 'UTC'`);
      await this.ensurePartition(qr, m);
      await qr.query(`CREATE TEMP TABLE archive_staging (LIKE device_events) ON COMMIT DROP`);
      const sink = client.query(copyFrom(`COPY archive_staging (${COLS}) FROM STDIN`));
      const pass = new PassThrough();
      const fed = readArchiveFile(path, pass);
      await Promise.all([
        fed,
        new Promise<void>((resolve, reject) => {
          pass.pipe(sink).on('finish', resolve).on('error', reject);
          pass.on('error', reject);
        }),
      ]);
      if (sink.rowCount !== cat.rows) throw new Error(`restored ${sink.rowCount} rows of ${cat.rows}`);
      const ins = await qr.query(
        `WITH i AS (INSERT INTO device_events (${COLS}) SELECT ${COLS} FROM archive_staging
                    ON CONFLICT (chip_id, seq, occurred_at) DO NOTHING RETURNING 1)
         SELECT count(*)::float8 AS n FROM i`,
      );
      await qr.query(`DROP TABLE archive_staging`);
      if (own) await qr.commitTransaction();
      return (ins as { n: number }[])[0].n;
    } catch (e) {
      if (own && qr.isTransactionActive) await qr.rollbackTransaction();
      throw e;
    }
  }

  private async ensurePartition(qr: QueryRunner, m: EventMonth): Promise<void> {
    if (await this.attachedPartition(qr, m)) return;
    const { from, to } = monthRange(m);
    const name = partitionName(m);
    // A partition cannot be created while the default partition holds rows of its range: move them.
    await qr.query(`LOCK TABLE device_events_default IN SHARE ROW EXCLUSIVE MODE`);
    await qr.query(`CREATE TEMP TABLE archive_moved (LIKE device_events) ON COMMIT DROP`);
    await qr.query(
      `WITH d AS (DELETE FROM device_events_default WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *)
       INSERT INTO archive_moved SELECT * FROM d`,
      [from, to],
    );
    await qr.query(
      `CREATE TABLE ${name} PARTITION OF device_events FOR VALUES FROM ('${iso(from)}') TO ('${iso(to)}')`,
    );
    await qr.query(`INSERT INTO device_events SELECT * FROM archive_moved`);
    await qr.query(`DROP TABLE archive_moved`);
  }
}

function toEntry(r: Record<string, unknown>): CatalogueEntry {
  const [year, month] = String(r.month).split('-').map(Number);
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return {
    month: { year, month },
    file: String(r.file),
    generation: Number(r.generation),
    rows: Number(r.rows),
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    archivedAt: new Date(r.archived_at as string),
    droppedAt: date(r.dropped_at),
    restoredAt: date(r.restored_at),
  };
}
