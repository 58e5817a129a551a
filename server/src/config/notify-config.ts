/** The generic HTTP SMS gateway of a deployment (SMS_PROVIDER=http; checked at start-up by config). */
export interface HttpSmsConfig {
  url: string;
  method: 'POST' | 'GET' | 'PUT';
  headers: Record<string, string>;
  /** With {phone} and {text} (and {purpose}) placeholders; filled JSON-escaped, form-encoded or raw by the content type. */
  bodyTemplate: string;
  /** The reply body must match this (e.g. "\"code\"\\s*:\\s*0"); absent: any 2xx is success. */
  successPattern?: string;
  /** A JSON path-free way to get the provider's message id: the first capture group of this on the reply. */
  messageIdPattern?: string;
  timeoutMs?: number;
}

/** SMS provider: the log (development) or a deployment's HTTP gateway. */
export type SmsConfig = { provider: 'log' } | { provider: 'http'; http: HttpSmsConfig };

/** Notifications (notifications/): e-mail transport, webhook rules, worker pacing. */
export interface NotificationsConfig {
  /** smtp:// or smtps:// URL with credentials; absent: the e-mail channel is off (deliveries fail as "not configured"). */
  smtpUrl?: string;
  smtpFrom?: string;
  /** Plain http:// robot webhooks (development and tests only; refused in production). */
  allowHttpWebhooks?: boolean;
  /** Webhooks that resolve to loopback, private or link-local addresses (SSRF guard off: intranet deployments, tests). */
  allowPrivateWebhooks?: boolean;
  /** Hour of the China day at which digests go out (default 8). */
  digestHour?: number;
  /** How often the worker looks for due work, ms (default 200). */
  pollMs?: number;
  /** First retry delay, doubled per attempt (default 30 s). */
  retryBaseMs?: number;
  /** Attempts before a delivery fails for good (default 5). */
  maxAttempts?: number;
  /** Deliveries sent at once by one replica (default 32). */
  concurrency?: number;
  /** Tests drive the worker themselves. */
  workerDisabled?: boolean;
}

export interface NotifyEnvironment {
  NODE_ENV: 'development' | 'production' | 'test';
  SMS_PROVIDER: 'log' | 'http';
  SMS_HTTP_URL?: string;
  SMS_HTTP_METHOD: 'POST' | 'GET' | 'PUT';
  SMS_HTTP_HEADERS?: string;
  SMS_HTTP_BODY?: string;
  SMS_HTTP_SUCCESS?: string;
  SMS_HTTP_MESSAGE_ID?: string;
  SMTP_URL?: string;
  SMTP_FROM?: string;
  NOTIFY_WEBHOOK_ALLOW_HTTP: 'true' | 'false';
  NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true' | 'false';
  NOTIFY_DIGEST_HOUR: number;
}

function regexProblem(name: string, v: string | undefined): string | null {
  if (v === undefined) return null;
  try {
    new RegExp(v);
    return null;
  } catch {
    return `${name} is not a valid regular expression`;
  }
}

/** The SMS and notification settings, or the list of problems (start-up refuses them all at once). */
export function resolveNotifyConfig(
  v: NotifyEnvironment,
): { sms: SmsConfig; notifications: NotificationsConfig } | { problems: string[] } {
  const problems: string[] = [];
  let sms: SmsConfig = { provider: 'log' };
  if (v.SMS_PROVIDER === 'http') {
    let headers: Record<string, string> = {};
    if (!v.SMS_HTTP_URL) problems.push('SMS_HTTP_URL must be set with SMS_PROVIDER=http');
    else if (!/^https?:\/\//.test(v.SMS_HTTP_URL)) problems.push('SMS_HTTP_URL must be an http(s):// URL');
    else if (v.NODE_ENV === 'production' && !v.SMS_HTTP_URL.startsWith('https://'))
      problems.push('SMS_HTTP_URL must be https:// in production');
    if (v.SMS_HTTP_HEADERS !== undefined) {
      try {
        const parsed: unknown = JSON.parse(v.SMS_HTTP_HEADERS);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        if (!Object.values(parsed).every((x) => typeof x === 'string')) throw new Error('values must be strings');
        headers = parsed as Record<string, string>;
      } catch {
        problems.push('SMS_HTTP_HEADERS must be a JSON object of string header values');
      }
    }
    const body = v.SMS_HTTP_BODY ?? '';
    if (!/\{phone\}/.test(body + (v.SMS_HTTP_URL ?? '')) || !/\{text\}/.test(body + (v.SMS_HTTP_URL ?? '')))
      problems.push('SMS_HTTP_BODY (or SMS_HTTP_URL) must contain the {phone} and {text} placeholders');
    for (const p of [
      regexProblem('SMS_HTTP_SUCCESS', v.SMS_HTTP_SUCCESS),
      regexProblem('SMS_HTTP_MESSAGE_ID', v.SMS_HTTP_MESSAGE_ID),
    ])
      if (p) problems.push(p);
    sms = {
      provider: 'http',
      http: {
        url: v.SMS_HTTP_URL ?? '',
        method: v.SMS_HTTP_METHOD,
        headers,
        bodyTemplate: body,
        successPattern: v.SMS_HTTP_SUCCESS,
        messageIdPattern: v.SMS_HTTP_MESSAGE_ID,
      },
    };
  }
  if (v.SMTP_URL !== undefined && !/^smtps?:\/\/.+/.test(v.SMTP_URL))
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  if (v.SMTP_URL !== undefined && !v.SMTP_FROM) problems.push('SMTP_FROM must be set with SMTP_URL');
  if (v.NODE_ENV === 'production' && v.NOTIFY_WEBHOOK_ALLOW_HTTP === 'true')
    problems.push('NOTIFY_WEBHOOK_ALLOW_HTTP must not be true in production (robot webhooks are https only)');
  if (problems.length) return { problems };
  return {
    sms,
    notifications: {
      smtpUrl: v.SMTP_URL,
      smtpFrom: v.SMTP_FROM,
      allowHttpWebhooks: v.NOTIFY_WEBHOOK_ALLOW_HTTP === 'true',
      allowPrivateWebhooks: v.NOTIFY_WEBHOOK_ALLOW_PRIVATE === 'true',
      digestHour: v.NOTIFY_DIGEST_HOUR,
    },
  };
}
