import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Paginated, PaginationQueryDto } from '../common/http/pagination';
import { chinaDate } from '../common/time/china-date';
import { ExportColumn } from '../common/sheets/export-builder';
import { streamExport } from '../common/sheets/export-stream';

/**
 * Memory no longer bounds an export (it streams); time does. The lists page by OFFSET, so reading
 * page k costs O(k) and a whole export is quadratic in its rows: 50,000 rows (a city's machines, a
 * county's welders many times over) stay well under a minute, a province's 200,000 would not.
 */
export const MAX_EXPORT_ROWS = 50_000;
/**
 * Rows per list call. Reading a batch (entity hydration, views, cells) is synchronous work on the event
 * loop that answers devices: 1,000 rows stalled it 100-300 ms at a time in the bench, 500 keep each slice
 * short while a county export still takes few round trips.
 */
export const EXPORT_BATCH_ROWS = 500;

/**
 * Exports running at once in this process; more wait their turn. Each takes a worker thread's core
 * for the zip and event-loop slices for its batches: two leave the device path its share on 2 cores.
 */
export const MAX_CONCURRENT_EXPORTS = 2;

/** A file that is still being written: its bytes come as the rows are read. */
export interface ExportedStream {
  stream: Readable;
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

/** A copy of the caller's filters with another page: the list DTO keeps its class (and defaults). */
function pageOf<Q extends PaginationQueryDto>(query: Q, page: number, pageSize: number): Q {
  return Object.assign(Object.create(Object.getPrototypeOf(query) as object) as Q, query, { page, pageSize });
}

/**
 * Exports go through the features' own list methods, batch by batch, so that they are scoped and
 * filtered exactly like the lists (and see only the masked views the lists return). The batches are
 * streamed into the workbook as they are read (common/sheets/export-stream.ts): no export holds its
 * rows, and the zip is written off the event loop that answers devices.
 */
@Injectable()
export class LedgerExportService {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

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

  /** The matching rows, batch by batch; the first batch refuses an export past `cap` before anything is sent. */
  async *batches<T, Q extends PaginationQueryDto>(
    list: (q: Q) => Promise<Paginated<T>>,
    query: Q,
    cap = MAX_EXPORT_ROWS,
    batchRows = EXPORT_BATCH_ROWS,
  ): AsyncGenerator<T[]> {
    let seen = 0;
    let total = 0;
    for (let page = 1; ; page++) {
      const res = await list(pageOf(query, page, batchRows));
      if (page === 1) total = res.total;
      if (page === 1 && res.total > cap) {
        throw new DomainError(
          ErrorCode.EXPORT_TOO_LARGE,
          `导出最多 ${cap} 行，当前筛选结果 ${res.total} 行，请缩小筛选范围`,
          [],
          { total: res.total, maxRows: cap },
        );
      }
      // Rows added while the export runs do not extend it past the count it started with.
      const items = res.items.slice(0, total - seen);
      if (items.length) yield items;
      seen += items.length;
      if (res.items.length < batchRows || seen >= total) return;
    }
  }

  async export<T, Q extends PaginationQueryDto>(
    spec: { sheetName: string; asciiBase: string; columns: ExportColumn<T>[] },
    list: (q: Q) => Promise<Paginated<T>>,
    query: Q,
  ): Promise<ExportedStream> {
    const release = await this.slot();
    let stream: Readable;
    try {
      stream = await streamExport(spec.sheetName, spec.columns, this.batches(list, query));
    } catch (e) {
      release();
      throw e;
    }
    stream.once('close', release);
    const day = chinaDate(this.clock.now());
    return {
      stream,
      asciiName: `${spec.asciiBase}-${day}.xlsx`,
      chineseName: `${spec.sheetName}-${day}.xlsx`,
    };
  }
}
