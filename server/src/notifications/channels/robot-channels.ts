import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Clock } from '../../common/clock/clock';
import {
  DeliveryError,
  DeliveryTarget,
  markdownText,
  NotificationChannel,
  OutgoingMessage,
  plainText,
} from './channel';
import { jsonReply, OutboundHttp } from './outbound-http';

/**
 * 钉钉自定义机器人加签: sign = urlEncode(base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret))),
 * timestamp in milliseconds, both appended to the webhook URL as query parameters.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function dingtalkSignedUrl(webhook: string, secret: string | null | undefined, timestampMs: number): string {
  if (!secret) return webhook;
  const u = new URL(webhook);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}

/**
 * 飞书自定义机器人签名校验: sign = base64(HmacSHA256(key = timestamp + "\n" + secret, data = "")), timestamp in
 * seconds; both go in the JSON body.
 */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

/** 企业微信群机器人: markdown message; the webhook key in the URL is its only credential (no signing). */
@Injectable()
export class WeComRobotChannel implements NotificationChannel {
  readonly channel = 'wecom' as const;
  constructor(private readonly http: OutboundHttp) {}

  static payload(m: OutgoingMessage): unknown {
    return { msgtype: 'markdown', markdown: { content: markdownText(m) } };
  }

  async send(target: DeliveryTarget, m: OutgoingMessage): Promise<void> {
    const r = jsonReply(await this.http.postJson(target.to, WeComRobotChannel.payload(m)));
    if (r.errcode !== 0)
      throw new DeliveryError(
        `wecom errcode ${String(r.errcode)}: ${String(r.errmsg ?? '')}`,
        'provider_refused',
        String(r.errcode),
      );
  }
}

/** 钉钉群机器人: markdown message, signed with the robot's secret when it has one. */
@Injectable()
export class DingTalkRobotChannel implements NotificationChannel {
  readonly channel = 'dingtalk' as const;
  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
  ) {}

  static payload(m: OutgoingMessage): unknown {
    return { msgtype: 'markdown', markdown: { title: m.title, text: markdownText(m) } };
  }

  async send(target: DeliveryTarget, m: OutgoingMessage): Promise<void> {
    const url = dingtalkSignedUrl(target.to, target.secret, this.clock.now().getTime());
    const r = jsonReply(await this.http.postJson(url, DingTalkRobotChannel.payload(m)));
    if (r.errcode !== 0)
      throw new DeliveryError(
        `dingtalk errcode ${String(r.errcode)}: ${String(r.errmsg ?? '')}`,
        'provider_refused',
        String(r.errcode),
      );
  }
}

/** 飞书群机器人: text message, signed (timestamp + sign in the body) when the robot has a secret. */
@Injectable()
export class FeishuRobotChannel implements NotificationChannel {
  readonly channel = 'feishu' as const;
  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
  ) {}

  static payload(m: OutgoingMessage, secret: string | null | undefined, timestampS: number): unknown {
    const signed = secret ? { timestamp: String(timestampS), sign: feishuSign(secret, timestampS) } : {};
    return { ...signed, msg_type: 'text', content: { text: plainText(m) } };
  }

  async send(target: DeliveryTarget, m: OutgoingMessage): Promise<void> {
    const ts = Math.floor(this.clock.now().getTime() / 1000);
    const r = jsonReply(await this.http.postJson(target.to, FeishuRobotChannel.payload(m, target.secret, ts)));
    // Current replies carry `code`; older robots answered `StatusCode`.
    const code = r.code ?? r.StatusCode;
    if (code !== 0)
      throw new DeliveryError(
        `feishu code ${String(code)}: ${String(r.msg ?? r.StatusMessage ?? '')}`,
        'provider_refused',
        String(code),
      );
  }
}
