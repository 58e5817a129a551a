import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Lists count matching rows only up to this many (issue 19): an exact COUNT over a province's
 * millions of arcs or decisions on every page load took seconds, and nobody pages past 500 pages.
 */
export const COUNT_CAP = 10_000;

/**
 * The ledger lists (machines, welders) count further. Their exports used to page through the list up to
 * this count; they now read their own statement through a cursor and no longer depend on it.
 */
export const LEDGER_COUNT_CAP = 100_000;

export interface CappedCount {
  /** The number of matching rows, or `cap` when there are more. */
  total: number;
  /** More than `cap` rows match. */
  capped: boolean;
}

/**
 * Counts the rows `qb` matches, stopping after cap + 1: the query without its ordering, paging or
 * selected columns, wrapped in `SELECT count(*) FROM (… LIMIT cap + 1)`. Joins must not multiply
 * rows (many-to-one only), as no DISTINCT is applied.
 */
export async function cappedCount<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  cap: number = COUNT_CAP,
): Promise<CappedCount> {
  const inner = qb
    .clone()
    .select('1', 'one')
    .orderBy()
    .skip(undefined)
    .take(undefined)
    .offset(undefined)
    .limit(cap + 1);
  const [sql, params] = inner.getQueryAndParameters();
  const rows: { n: number }[] = await qb.connection.query(`SELECT count(*)::int AS n FROM (${sql}) counted`, params);
  const n = rows[0]?.n ?? 0;
  return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
}
