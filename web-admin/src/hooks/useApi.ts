import { useCallback, useEffect, useRef, useState } from 'react';
import { App } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiFetch, type ApiInit } from '../api/client';
import { errorText, formFieldErrors } from '../i18n/errors';

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
 * Shows a server error the way the house style wants: the error in the user's language as an antd toast
 * and, when a form is given, each field error under its field.
 */
export function useErrorReporter() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (err: unknown, form?: FormInstance) => {
      if (form) {
        const fields = formFieldErrors(t, err);
        if (fields.length) form.setFields(fields);
      }
      void message.error(errorText(t, err));
    },
    [message, t],
  );
}
