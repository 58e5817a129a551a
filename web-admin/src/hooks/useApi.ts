import { useCallback, useEffect, useRef, useState } from 'react';
import { App } from 'antd';
import type { FormInstance } from 'antd';
import { ApiError, apiFetch, toFormFields, type ApiInit } from '../api/client';

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

/**
 * Shows a server error the way the house style wants: the message as an antd toast and, when
 * a form is given, each field error under its field.
 */
export function useErrorReporter() {
  const { message } = App.useApp();
  return useCallback(
    (err: unknown, form?: FormInstance) => {
      if (form) {
        const fields = toFormFields(err);
        if (fields.length) form.setFields(fields);
      }
      const text = err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
      void message.error(text);
    },
    [message],
  );
}
