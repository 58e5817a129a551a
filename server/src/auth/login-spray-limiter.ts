import { Inject, Injectable, Logger } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { AuditAction, AuditEntityType } from '../audit/audit-actions';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { AccountLockoutLimits, APP_CONFIG, AppConfig, LoginSprayLimits } from '../config/app-config';
import { LoginAttemptsRepository } from './login-attempts.repository';

export const DEFAULT_LOGIN_SPRAY_LIMITS: LoginSprayLimits = { windowS: 900, maxFailures: 30, maxUsernames: 10 };
export const DEFAULT_ACCOUNT_LOCKOUT: AccountLockoutLimits = { windowS: 900, maxFailures: 5 };

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
 * Lockout after repeated failed log-ins, per source address AND per account, computed from the persisted
 * log-in attempts (login_attempts), so it holds across restarts and replicas.
 *
 * Per address (password spraying): failures are counted across user names in a sliding window; over the
 * limit every log-in from that address is answered 429 LOGIN_THROTTLED with Retry-After, before any
 * password is checked, until enough failures leave the window: never longer than the window, so users
 * behind a shared NAT get back in once an attack stops.
 *
 * Per account: LOGIN_LOCKOUT_MAX_FAILURES failures of one user name (known or not: the answer does not
 * reveal which names exist) since its last success within the window lock it: 429 ACCOUNT_LOCKED with
 * details.lockedUntil, until the oldest of those failures leaves the window. Attempts while locked are
 * not counted, so an attacker cannot keep a user out for longer than one window after stopping.
 * Each closing is audited once.
 */
@Injectable()
export class LoginSprayLimiter {
  private readonly logger = new Logger('LoginSprayLimiter');
  private readonly limits: LoginSprayLimits;
  private readonly lockout: AccountLockoutLimits;

  constructor(
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly attempts: LoginAttemptsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = { ...DEFAULT_LOGIN_SPRAY_LIMITS, ...config.loginSpray };
    this.lockout = { ...DEFAULT_ACCOUNT_LOCKOUT, ...config.loginLockout };
  }

  /** Throws 429 LOGIN_THROTTLED when the address is over its limit. */
  async assertAllowed(ip: string): Promise<void> {
    const retryAfterS = this.retryAfterS(await this.recent(sourceKey(ip)));
    if (retryAfterS > 0) {
      throw new DomainError(
        ErrorCode.LOGIN_THROTTLED,
        '登录失败次数过多，请稍后再试 (too many failed log-ins from this address; retry later)',
        [],
        { retryAfterS },
      );
    }
  }

  /** Throws 429 ACCOUNT_LOCKED (details.lockedUntil, retryAfterS) while the user name is locked. */
  async assertAccountOpen(username: string): Promise<void> {
    const until = await this.accountLockedUntil(username);
    if (until) {
      const retryAfterS = Math.ceil((until.getTime() - this.clock.now().getTime()) / 1000);
      throw new DomainError(
        ErrorCode.ACCOUNT_LOCKED,
        '账号因多次登录失败已被临时锁定 (account locked after repeated failed log-ins)',
        [],
        { retryAfterS, lockedUntil: until.toISOString() },
      );
    }
  }

  /** After a counted failure has been recorded: audits the moment the address or the account closes. */
  async afterFailure(ip: string, username: string): Promise<void> {
    const key = sourceKey(ip);
    const recent = await this.recent(key);
    const closedNow = this.retryAfterS(recent) > 0 && this.retryAfterS(recent.slice(0, -1)) === 0;
    if (closedNow) {
      const names = new Set(recent.map((f) => f.username)).size;
      await this.audited('auth.login.throttled', 'source_address', maskedSource(key), {
        failures: recent.length,
        usernames: names,
        windowS: this.limits.windowS,
      });
    }
    const failures = await this.accountFailures(username);
    if (failures.length === this.lockout.maxFailures) {
      await this.audited('auth.account.locked', 'user_name', username.toLowerCase().slice(0, 64), {
        failures: failures.length,
        windowS: this.lockout.windowS,
      });
    }
  }

  private async audited(
    action: AuditAction,
    entityType: AuditEntityType,
    entityId: string,
    after: Record<string, unknown>,
  ) {
    await this.ds
      .transaction((em) => this.audit.record(em, SYSTEM_ACTOR, { action, entityType, entityId, after }))
      .catch((e: Error) => this.logger.error(`${action} not audited: ${e.message}`));
  }

  private accountFailures(username: string): Promise<Date[]> {
    const since = new Date(this.clock.now().getTime() - this.lockout.windowS * 1000);
    return this.attempts.failuresOfAccount(username.toLowerCase().slice(0, 64), since);
  }

  /** When the account's lock ends, or null when it is open. */
  async accountLockedUntil(username: string): Promise<Date | null> {
    const failures = await this.accountFailures(username);
    if (failures.length < this.lockout.maxFailures) return null;
    const until = failures[failures.length - this.lockout.maxFailures].getTime() + this.lockout.windowS * 1000;
    return until > this.clock.now().getTime() ? new Date(until) : null;
  }

  private async recent(key: string): Promise<Failure[]> {
    const since = new Date(this.clock.now().getTime() - this.limits.windowS * 1000);
    const rows = await this.attempts.failuresFromSource(key, since);
    return rows.map((r) => ({ at: new Date(r.at).getTime(), username: r.username }));
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
