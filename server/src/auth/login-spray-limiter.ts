import { Inject, Injectable, Logger } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { APP_CONFIG, AppConfig, LoginSprayLimits } from '../config/app-config';

export const DEFAULT_LOGIN_SPRAY_LIMITS: LoginSprayLimits = { windowS: 900, maxFailures: 30, maxUsernames: 10 };
/** Addresses tracked at once; the least recently failing one is forgotten first (memory stays bounded). */
const MAX_TRACKED_SOURCES = 10_000;

interface Failure {
  at: number;
  username: string;
}

/** One key per address; IPv6 by its /64, which one host can rotate through freely. */
export function sourceKey(ip: string): string {
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!isIPv6(plain)) return plain;
  const groups = plain.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  return `${full
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** What the audit log keeps of an address: its network, not the host (the log holds no plain personal data). */
function maskedSource(key: string): string {
  return key.includes(':') ? key : key.replace(/\.\d+$/, '.*');
}

/**
 * Throttles password spraying: failed log-ins are counted per source address across user names in a
 * sliding window (the per-account limit in LoginThrottlerGuard does not see many names). Over the
 * limit, every log-in from that address is answered 429 LOGIN_THROTTLED with Retry-After, before
 * any password is checked, until enough failures leave the window: never longer than the window,
 * so users behind a shared NAT get back in once an attack stops. Each closing is audited once.
 */
@Injectable()
export class LoginSprayLimiter {
  private readonly logger = new Logger('LoginSprayLimiter');
  private readonly failures = new Map<string, Failure[]>();
  private readonly limits: LoginSprayLimits;

  constructor(
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = { ...DEFAULT_LOGIN_SPRAY_LIMITS, ...config.loginSpray };
  }

  /** Throws 429 LOGIN_THROTTLED when the address is over its limit. */
  assertAllowed(ip: string): void {
    const key = sourceKey(ip);
    const recent = this.recent(key);
    const retryAfterS = this.retryAfterS(recent);
    if (retryAfterS > 0) {
      throw new DomainError(
        ErrorCode.LOGIN_THROTTLED,
        '登录失败次数过多，请稍后再试 (too many failed log-ins from this address; retry later)',
        [],
        { retryAfterS },
      );
    }
  }

  /** Counts one failed log-in; audits the moment the address becomes closed. */
  async recordFailure(ip: string, username: string): Promise<void> {
    const key = sourceKey(ip);
    const recent = this.recent(key);
    const wasOpen = this.retryAfterS(recent) === 0;
    recent.push({ at: this.clock.now().getTime(), username: username.toLowerCase().slice(0, 64) });
    // Re-inserted so that Map order is least-recently-failing first.
    this.failures.delete(key);
    this.failures.set(key, recent);
    if (this.failures.size > MAX_TRACKED_SOURCES) this.failures.delete(this.failures.keys().next().value!);
    if (wasOpen && this.retryAfterS(recent) > 0) {
      const names = new Set(recent.map((f) => f.username)).size;
      await this.ds
        .transaction((em) =>
          this.audit.record(em, SYSTEM_ACTOR, {
            action: 'auth.login.throttled',
            entityType: 'source_address',
            entityId: maskedSource(key),
            after: { failures: recent.length, usernames: names, windowS: this.limits.windowS },
          }),
        )
        .catch((e: Error) => this.logger.error(`login throttle not audited: ${e.message}`));
    }
  }

  private recent(key: string): Failure[] {
    const since = this.clock.now().getTime() - this.limits.windowS * 1000;
    const kept = (this.failures.get(key) ?? []).filter((f) => f.at > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** 0 when open; else seconds until enough failures have left the window to reopen. */
  private retryAfterS(recent: Failure[]): number {
    const now = this.clock.now().getTime();
    const windowMs = this.limits.windowS * 1000;
    let until = 0;
    if (recent.length >= this.limits.maxFailures) {
      // Reopens when the count drops below the limit: the failure at index (length - max) expires.
      until = Math.max(until, recent[recent.length - this.limits.maxFailures].at + windowMs);
    }
    const lastByName = new Map<string, number>();
    for (const f of recent) lastByName.set(f.username, f.at);
    if (lastByName.size >= this.limits.maxUsernames) {
      const lasts = [...lastByName.values()].sort((a, b) => a - b);
      until = Math.max(until, lasts[lasts.length - this.limits.maxUsernames] + windowMs);
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }
}
