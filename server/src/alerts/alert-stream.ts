import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Actor } from '../access/actor';
import { AlertBus } from './alert-bus';
import { AlertView } from './alert.view';

export const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for GET /api/alerts/stream. Events: `alert` (the alert view, new or changed)
 * and `resync` (live delivery was interrupted; reload through the REST list). A comment line every
 * 15 s keeps proxies from closing an idle stream.
 */
@Injectable()
export class AlertStream {
  constructor(private readonly bus: AlertBus) {}

  open(actor: Actor, req: Request, res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // nginx would otherwise buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);

    let closed = false;
    const write = (chunk: string) => {
      if (!closed && !res.writableEnded) res.write(chunk);
    };
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    const unsubscribe = this.bus.subscribe({
      actor,
      send: (view: AlertView) => write(`id: ${view.id}\nevent: alert\ndata: ${JSON.stringify(view)}\n\n`),
      resync: () => write('event: resync\ndata: {}\n\n'),
      close,
    });
    req.on('close', close);
    res.on('error', close);
    write('retry: 5000\n: connected\n\n');
  }
}
