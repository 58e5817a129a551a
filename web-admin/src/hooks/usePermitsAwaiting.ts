import { useCallback, useEffect, useState } from 'react';
import { apiFetch } from '../api/client';
import type { components } from '../api/schema';

type Awaiting = components['schemas']['AwaitingCountView'];

/** Sent when a permit changed in this tab (approved, rejected, submitted), so that the menu badge refreshes at once. */
export const PERMITS_CHANGED_EVENT = 'arcgate:permits-changed';
const POLL_MS = 30_000;

/** Submitted permits whose current step is this user's to sign, polled for the menu badge. */
export function usePermitsAwaiting(enabled: boolean): number {
  const [count, setCount] = useState(0);
  const refresh = useCallback(() => {
    apiFetch<Awaiting>('/api/permits/awaiting-me')
      .then((a) => setCount(a.count))
      // A badge that cannot be refreshed keeps its last number; the page itself reports errors.
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!enabled) return;
    refresh();
    const timer = window.setInterval(refresh, POLL_MS);
    window.addEventListener(PERMITS_CHANGED_EVENT, refresh);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(PERMITS_CHANGED_EVENT, refresh);
    };
  }, [enabled, refresh]);
  return enabled ? count : 0;
}
