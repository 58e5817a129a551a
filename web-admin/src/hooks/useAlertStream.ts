import { useEffect, useRef, useState } from 'react';
import { apiFetch, getToken } from '../api/client';
import type { AlertView } from '../api/types';

/** Wait before reopening a dropped stream (the server's own retry hint is 5 s). */
const REOPEN_MS = 5000;

/**
 * Live alerts over Server-Sent Events. EventSource cannot send headers, and a token in a URL ends up in
 * proxy logs, so each connection first asks for a one-time ticket (valid 30 s) and opens
 * /api/alerts/stream?ticket=…. A ticket works once, so the browser's own reconnect cannot reuse it: on
 * an error the stream is closed and reopened here with a fresh ticket. A "resync" event means the
 * server dropped events for us and the list should be reloaded.
 */
export function useAlertStream(onAlert: (a: AlertView) => void, onResync: () => void): boolean {
  const [connected, setConnected] = useState(false);
  const handlers = useRef({ onAlert, onResync });
  handlers.current = { onAlert, onResync };

  useEffect(() => {
    if (!getToken() || typeof EventSource === 'undefined') return;
    let es: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    const reopenLater = () => {
      if (!stopped) timer = setTimeout(() => void open(), REOPEN_MS);
    };
    const open = async () => {
      let ticket: string;
      try {
        ticket = (await apiFetch<{ ticket: string }>('/api/alerts/stream-ticket', { method: 'POST' })).ticket;
      } catch {
        reopenLater();
        return;
      }
      if (stopped) return;
      es = new EventSource(`/api/alerts/stream?ticket=${encodeURIComponent(ticket)}`);
      es.onopen = () => setConnected(true);
      es.onerror = () => {
        setConnected(false);
        es?.close();
        // Missed events are reloaded once the new stream is open.
        handlers.current.onResync();
        reopenLater();
      };
      es.addEventListener('alert', (ev) => {
        try {
          handlers.current.onAlert(JSON.parse((ev as MessageEvent<string>).data) as AlertView);
        } catch {
          handlers.current.onResync();
        }
      });
      es.addEventListener('resync', () => handlers.current.onResync());
    };
    void open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      es?.close();
    };
  }, []);

  return connected;
}
