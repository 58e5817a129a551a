import { useCallback, useEffect, useState } from 'react';
import { apiFetch } from '../api/client';
import { toChinaIso } from '../components/format';
import type { components } from '../api/schema';

type Unseen = components['schemas']['UnseenAlertsView'];

/** Sent when the alert list marked everything seen, so that the menu badge drops at once. */
export const ALERTS_SEEN_EVENT = 'arcgate:alerts-seen';
const POLL_MS = 30_000;

/** Open alerts this user has not seen yet (server-side last-seen mark), polled for the menu badge. */
export function useUnseenAlerts(enabled: boolean): number {
  const [count, setCount] = useState(0);
  const refresh = useCallback(() => {
    apiFetch<Unseen>('/api/alerts/unseen')
      .then((u) => setCount(u.unseen))
      // A badge that cannot be refreshed keeps its last number; the page itself reports errors.
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!enabled) return;
    refresh();
    const timer = window.setInterval(refresh, POLL_MS);
    const onSeen = (e: Event) => setCount((e as CustomEvent<Unseen>).detail?.unseen ?? 0);
    window.addEventListener(ALERTS_SEEN_EVENT, onSeen);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(ALERTS_SEEN_EVENT, onSeen);
    };
  }, [enabled, refresh]);
  return enabled ? count : 0;
}

/** The alert list is shown: mark everything up to now seen (the server caps it at its own now) and tell the badge. */
export async function markAlertsSeen(): Promise<void> {
  const u = await apiFetch<Unseen>('/api/alerts/seen', { method: 'POST', body: { upTo: toChinaIso(new Date()) } });
  window.dispatchEvent(new CustomEvent<Unseen>(ALERTS_SEEN_EVENT, { detail: u }));
}
