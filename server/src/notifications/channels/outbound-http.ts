import { Injectable } from '@nestjs/common';
import { DeliveryError } from './channel';

export interface HttpReply {
  status: number;
  body: string;
}

export interface OutboundRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** Longest a provider may take to answer; a slow provider is retried later rather than holding a worker. */
export const OUTBOUND_TIMEOUT_MS = 5000;
const MAX_REPLY_CHARS = 4096;

/**
 * HTTP out to providers (robots, the SMS gateway), behind a provider so that tests may replace it.
 * Redirects are not followed (a redirect could lead a webhook to an internal address).
 */
@Injectable()
export class OutboundHttp {
  async request(r: OutboundRequest): Promise<HttpReply> {
    let res: Response;
    try {
      res = await fetch(r.url, {
        method: r.method ?? 'POST',
        headers: r.headers,
        body: r.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(r.timeoutMs ?? OUTBOUND_TIMEOUT_MS),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      throw new DeliveryError(`unreachable: ${err.cause?.code ?? err.name}`, timedOut ? 'timeout' : 'unreachable');
    }
    const body = (await res.text()).slice(0, MAX_REPLY_CHARS);
    return { status: res.status, body };
  }

  async postJson(url: string, payload: unknown): Promise<HttpReply> {
    return this.request({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
    });
  }
}

/** The reply as JSON, or a DeliveryError naming the status. */
export function jsonReply(reply: HttpReply): Record<string, unknown> {
  if (reply.status < 200 || reply.status >= 300)
    throw new DeliveryError(`HTTP ${reply.status}`, 'http_status', String(reply.status));
  try {
    const v: unknown = JSON.parse(reply.body);
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new DeliveryError(`HTTP ${reply.status}: reply is not JSON`, 'bad_reply');
}
