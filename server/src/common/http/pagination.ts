import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 200;

/** ?page=1&pageSize=20; list query DTOs extend this. */
export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize: number = 20;
}

/**
 * Every list endpoint answers { items, total, page, pageSize }. Lists that can reach a province's
 * millions of rows count only up to a cap (capped-count.ts): then `totalCapped` is true and `total`
 * is the cap, i.e. "at least that many".
 */
export interface Paginated<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  totalCapped?: boolean;
  /**
   * Lists paged by keyset (keyset-cursor.ts): pass it back as `?cursor=` for the rows after this page;
   * null on the last page.
   */
  nextCursor?: string | null;
}

export function paginate<T>(
  items: T[],
  total: number | { total: number; capped: boolean },
  q: PaginationQueryDto,
): Paginated<T> {
  if (typeof total === 'number') return { items, total, page: q.page, pageSize: q.pageSize };
  return { items, total: total.total, page: q.page, pageSize: q.pageSize, totalCapped: total.capped };
}

/** A keyset-paged list's answer: the page as `paginate` makes it, and where the next page starts. */
export function paginateWithCursor<T>(
  items: T[],
  total: number | { total: number; capped: boolean },
  q: PaginationQueryDto,
  nextCursor: string | null,
): Paginated<T> {
  return { ...paginate(items, total, q), nextCursor };
}

export function offsetOf(q: PaginationQueryDto): number {
  return (q.page - 1) * q.pageSize;
}
