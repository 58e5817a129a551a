import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** Why a webhook URL is refused (field problem codes of the settings API). */
export type WebhookProblem =
  'webhookUrlInvalid' | 'webhookHttpsRequired' | 'webhookAddressForbidden' | 'webhookUnresolvable';

export type Resolve = (host: string) => Promise<string[]>;

export const WEBHOOK_RESOLVE = 'WEBHOOK_RESOLVE';

/** Host name → every address it resolves to (DNS). */
export const dnsResolve: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Whether an address is one a robot webhook may reach: public unicast only (no loopback, private, link-local, CGNAT, …). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === 'unicast';
}

/**
 * SSRF guard for the group robots' webhook URLs, checked when a URL is saved and again before every
 * send (a name may resolve elsewhere later): https only (plain http only where config allows it, never in
 * production), no credentials in the URL, and every address the host resolves to public unless config
 * allows internal ones.
 */
@Injectable()
export class WebhookGuard {
  private readonly allowHttp: boolean;
  private readonly allowPrivate: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(WEBHOOK_RESOLVE) private readonly resolve: Resolve,
  ) {
    this.allowHttp = config.nodeEnv !== 'production' && config.notifications?.allowHttpWebhooks === true;
    this.allowPrivate = config.notifications?.allowPrivateWebhooks === true;
  }

  async problemOf(raw: string): Promise<WebhookProblem | null> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'webhookUrlInvalid';
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowHttp))
      return url.protocol === 'http:' ? 'webhookHttpsRequired' : 'webhookUrlInvalid';
    if (url.username || url.password || !url.hostname) return 'webhookUrlInvalid';
    if (this.allowPrivate) return null;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (ipaddr.isValid(host)) addresses = [host];
    else {
      try {
        addresses = await this.resolve(host);
      } catch {
        return 'webhookUnresolvable';
      }
    }
    if (!addresses.length) return 'webhookUnresolvable';
    return addresses.every(isPublicAddress) ? null : 'webhookAddressForbidden';
  }
}
