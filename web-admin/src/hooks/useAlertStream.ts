import { useEffect, useRef, useState } from 'react';
import { getToken } from '../api/client';
import type { AlertView } from '../api/types';

/**
 * Live alerts over Server-Sent Events. EventSource cannot send headers, so the token goes in
 * ?access_token=. The browser reconnects by itself (the server sends retry: 5000); a "resync"
 * event means the server dropped events for us and the list should be reloaded.
 */
export function useAlertStream(onAlert: (a: AlertView) => void, onResync: () => void): boolean {
  const [connected, setConnected] = useState(false);
  const handlers = useRef({ onAlert, onResync });
  handlers.current = { onAlert, onResync };

  useEffect(() => {
    const token = getToken();
    if (!token || typeof EventSource === 'undefined') return;
    const es = new EventSource(`/api/alerts/stream?access_token=${encodeURIComponent(token)}`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener('alert', (ev) => {
      try {
        handlers.current.onAlert(JSON.parse((ev as MessageEvent<string>).data) as AlertView);
      } catch {
        handlers.current.onResync();
      }
    });
    es.addEventListener('resync', () => handlers.current.onResync());
    return () => es.close();
  }, []);

  return connected;
}
