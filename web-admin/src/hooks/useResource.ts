import { useCallback, useEffect, useRef, useState } from 'react';
import { apiFetch, type ApiInit } from '../api/client';

// No antd here: the phone pages (public scan, welder app) use this without the console's UI kit.

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GET a resource; re-fetches when the path (including its query) changes. Pass null to wait. */
export function useApi<T>(path: string | null, init?: ApiInit): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState<boolean>(!!path);
  const [tick, setTick] = useState(0);
  const initRef = useRef(init);
  initRef.current = init;
  const key = path === null ? null : `${path}|${JSON.stringify(init?.query ?? {})}`;

  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    apiFetch<T>(path, initRef.current)
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data, error, loading, reload };
}
