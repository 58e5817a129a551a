import { Injectable } from '@nestjs/common';
import type { HttpSmsConfig } from '../config/notify-config';
import { SmsMessage, SmsReceipt, SmsSendError, SmsSender } from './sms-sender';

export type { HttpSmsConfig };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

type Encoding = 'json' | 'form' | 'raw';

function encodingOf(headers: Record<string, string>): Encoding {
  const ct =
    Object.entries(headers)
      .find(([k]) => k.toLowerCase() === 'content-type')?.[1]
      ?.toLowerCase() ?? '';
  if (ct.includes('json')) return 'json';
  if (ct.includes('x-www-form-urlencoded')) return 'form';
  return 'raw';
}

function encode(value: string, how: Encoding): string {
  if (how === 'json') return JSON.stringify(value).slice(1, -1);
  if (how === 'form') return encodeURIComponent(value);
  return value;
}

/** Fills {phone} {text} {purpose}; a body whose placeholders are filled JSON-escaped stays valid JSON. */
export function fillTemplate(template: string, message: SmsMessage, how: Encoding): string {
  return template.replace(/\{(phone|text|purpose)\}/g, (_, k: 'phone' | 'text' | 'purpose') => encode(message[k], how));
}

/**
 * Sends through a deployment's SMS gateway: one HTTP request per message, configured by URL, method,
 * headers, body template and a success check. GET puts the filled template in the query string.
 */
@Injectable()
export class HttpSmsSender implements SmsSender {
  constructor(
    private readonly config: HttpSmsConfig,
    private readonly fetchFn: FetchLike = (url, init) => fetch(url, init),
  ) {}

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const how = this.config.method === 'GET' ? 'form' : encodingOf(this.config.headers);
    const filled = fillTemplate(this.config.bodyTemplate, message, how);
    let url = fillTemplate(this.config.url, message, 'form');
    if (this.config.method === 'GET' && filled) url += (url.includes('?') ? '&' : '?') + filled;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: this.config.method,
        headers: this.config.headers,
        body: this.config.method === 'GET' ? undefined : filled,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 5000),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      throw new SmsSendError(
        `SMS gateway unreachable: ${err.cause?.code ?? err.name}`,
        timedOut ? 'timeout' : 'unreachable',
      );
    }
    const body = (await res.text()).slice(0, 4096);
    if (res.status < 200 || res.status >= 300)
      throw new SmsSendError(`SMS gateway HTTP ${res.status}`, 'http_status', String(res.status));
    if (this.config.successPattern && !new RegExp(this.config.successPattern).test(body))
      throw new SmsSendError(`SMS gateway refused: ${body.slice(0, 200)}`, 'refused');
    const id = this.config.messageIdPattern ? new RegExp(this.config.messageIdPattern).exec(body)?.[1] : undefined;
    return { providerMessageId: id ?? null };
  }
}
