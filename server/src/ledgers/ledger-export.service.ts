import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { MAX_PAGE_SIZE, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { chinaDate } from '../common/time/china-date';
import { ExportColumn } from '../common/sheets/export-builder';
import { buildExportOffThread } from '../common/sheets/export-off-thread';

export const MAX_EXPORT_ROWS = 50_000;

export interface ExportedFile {
  buffer: Buffer;
  /** ASCII fallback name and the Chinese name, both dated (China calendar). */
  asciiName: string;
  chineseName: string;
}

/** A copy of the caller's filters with another page: the list DTO keeps its class (and defaults). */
function pageOf<Q extends PaginationQueryDto>(query: Q, page: number): Q {
  return Object.assign(Object.create(Object.getPrototypeOf(query) as object) as Q, query, {
    page,
    pageSize: MAX_PAGE_SIZE,
  });
}

/**
 * Exports go through the features' own list methods, page by page, so that they are scoped and
 * filtered exactly like the lists (and see only the masked views the lists return).
 */
@Injectable()
export class LedgerExportService {
  constructor(private readonly clock: Clock) {}

  async collect<T, Q extends PaginationQueryDto>(
    list: (q: Q) => Promise<Paginated<T>>,
    query: Q,
    cap = MAX_EXPORT_ROWS,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const res = await list(pageOf(query, page));
      if (res.total > cap) {
        throw new DomainError(
          ErrorCode.EXPORT_TOO_LARGE,
          `导出最多 ${cap} 行，当前筛选结果 ${res.total} 行，请缩小筛选范围`,
          [],
          { total: res.total, maxRows: cap },
        );
      }
      items.push(...res.items);
      if (!res.items.length || items.length >= res.total) return items;
    }
  }

  async export<T, Q extends PaginationQueryDto>(
    spec: { sheetName: string; asciiBase: string; columns: ExportColumn<T>[] },
    list: (q: Q) => Promise<Paginated<T>>,
    query: Q,
  ): Promise<ExportedFile> {
    const items = await this.collect(list, query);
    const day = chinaDate(this.clock.now());
    return {
      // Off the event loop that answers devices: a 50,000-row workbook takes seconds to zip.
      buffer: await buildExportOffThread(spec.sheetName, spec.columns, items),
      asciiName: `${spec.asciiBase}-${day}.xlsx`,
      chineseName: `${spec.sheetName}-${day}.xlsx`,
    };
  }
}
