import { useCallback, useEffect, useRef, useState } from 'react';
import { apiFetch, type ApiInit, type Paginated } from '../api/client';

export interface KeysetListState<T> {
  /** Every row loaded so far, the first page and each "load more" after it. */
  items: T[];
  total: number | undefined;
  totalCapped: boolean;
  /** There are rows after the loaded ones. */
  hasMore: boolean;
  loading: boolean;
  /** The first page failed (`error`) or a later one did (`moreError`: the loaded rows stay). */
  error: unknown;
  moreError: unknown;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A list paged by cursor (the server's nextCursor, issue 19): the first page, then "load more" appends
 * the rows after the last one loaded, as fast at the 500th page as at the first. Re-starts when the path
 * or query changes.
 */
export function useKeysetList<T>(path: string | null, init?: ApiInit): KeysetListState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState<number>();
  const [totalCapped, setTotalCapped] = useState(false);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(!!path);
  const [error, setError] = useState<unknown>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const initRef = useRef(init);
  initRef.current = init;
  // Answers of a superseded list (path changed, reloaded) are dropped.
  const generation = useRef(0);
  const key = path === null ? null : `${path}|${JSON.stringify(init?.query ?? {})}`;

  const fetchPage = useCallback(
    (cursor: string | null) =>
      apiFetch<Paginated<T>>(path!, {
        ...initRef.current,
        query: { ...initRef.current?.query, ...(cursor ? { cursor } : {}) },
      }),
    [path],
  );

  useEffect(() => {
    if (path === null) return;
    const mine = ++generation.current;
    setItems([]);
    setNext(null);
    setLoading(true);
    setError(null);
    setMoreError(null);
    fetchPage(null)
      .then((p) => {
        if (mine !== generation.current) return;
        setItems(p.items);
        setTotal(p.total);
        setTotalCapped(!!p.totalCapped);
        setNext(p.nextCursor ?? null);
      })
      .catch((e: unknown) => mine === generation.current && setError(e))
      .finally(() => mine === generation.current && setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  const loadMore = useCallback(() => {
    if (!next || loading) return;
    const mine = generation.current;
    setLoading(true);
    setMoreError(null);
    fetchPage(next)
      .then((p) => {
        if (mine !== generation.current) return;
        setItems((prev) => [...prev, ...p.items]);
        setNext(p.nextCursor ?? null);
      })
      .catch((e: unknown) => mine === generation.current && setMoreError(e))
      .finally(() => mine === generation.current && setLoading(false));
  }, [next, loading, fetchPage]);

  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { items, total, totalCapped, hasMore: !!next, loading, error, moreError, loadMore, reload };
}
