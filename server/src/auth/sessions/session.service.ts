import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../../access/actor';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock/clock';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SessionRow, SessionsRepository } from './sessions.repository';

export const DEFAULT_SESSION = { idleTimeoutS: 1800, maxAgeS: 12 * 3600 };
/** How long a replica trusts its cached copy of a session (revocation by another replica shows within it). */
export const SESSION_CACHE_MS = 5_000;
/** last_seen_at is written at most this often per session (idle time-out resolution). */
const TOUCH_EVERY_MS = 30_000;
/**
 * Two tabs refreshing at once present the same refresh token: a second use this soon after the first is
 * answered 401 SESSION_ENDED without revoking (the browser already holds the new cookie and retries);
 * a later reuse is theft and revokes the whole family.
 */
export const REFRESH_RACE_GRACE_MS = 10_000;
export const STREAM_TICKET_TTL_S = 30;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Server-side sessions. Each log-in creates one (its id is the `sid` claim of every access token issued
 * for it and the family of its refresh tokens). The guard checks the session on every request (cached
 * briefly), so log-out, "log out everywhere", the idle time-out and a reused refresh token end access at once.
 */
@Injectable()
export class SessionService {
  private readonly idleMs: number;
  private readonly maxAgeMs: number;
  private readonly cache = new Map<string, { row: SessionRow; at: number }>();

  constructor(
    private readonly repo: SessionsRepository,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const s = { ...DEFAULT_SESSION, ...config.session };
    this.idleMs = s.idleTimeoutS * 1000;
    this.maxAgeMs = s.maxAgeS * 1000;
  }

  get idleTimeoutS(): number {
    return this.idleMs / 1000;
  }

  /** Starts a session; returns its id and its first refresh token. */
  async start(
    userId: string,
    opts: { restricted: boolean; ip: string; userAgent: string | null },
  ): Promise<{ sessionId: string; refreshToken: string; expiresAt: Date }> {
    const now = this.clock.now();
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + this.maxAgeMs);
    await this.repo.insert({
      id,
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      restricted: opts.restricted,
      ip: opts.ip.slice(0, 64),
      userAgent: opts.userAgent?.slice(0, 256) ?? null,
    });
    return { sessionId: id, refreshToken: await this.newRefreshToken(id, now), expiresAt };
  }

  private async newRefreshToken(sessionId: string, now: Date): Promise<string> {
    const token = `${sessionId}.${randomBytes(32).toString('base64url')}`;
    await this.repo.insertRefreshToken(sha256(token), sessionId, now);
    return token;
  }

  /** Why a session is not usable now, or null when it is. */
  private endedBecause(row: SessionRow | null, now: number): string | null {
    if (!row) return 'unknown';
    if (row.revokedAt) return 'revoked';
    if (new Date(row.expiresAt).getTime() <= now) return 'expired';
    if (new Date(row.lastSeenAt).getTime() + this.idleMs <= now) return 'idle';
    return null;
  }

  private async load(id: string): Promise<SessionRow | null> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < SESSION_CACHE_MS && now >= hit.at) return hit.row;
    const row = await this.repo.findById(id);
    if (row) {
      this.cache.set(id, { row, at: now });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    } else this.cache.delete(id);
    return row;
  }

  /** The live session behind a request (and records activity), or throws 401 UNAUTHENTICATED. */
  async assertLive(sessionId: string, userId: string): Promise<SessionRow> {
    const now = this.clock.now();
    const row = await this.load(sessionId);
    const why = this.endedBecause(row, now.getTime());
    if (why || row!.userId !== userId)
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        `The session has ended (${why ?? 'foreign'}); log in again`,
        [],
        {
          reason: why ?? 'foreign',
        },
      );
    if (now.getTime() - new Date(row!.lastSeenAt).getTime() >= TOUCH_EVERY_MS) {
      await this.repo.touch(sessionId, now);
      row!.lastSeenAt = now;
    }
    return row!;
  }

  /**
   * Rotates a refresh token: the presented one is used up and a new one issued for the same session.
   * A token used before (outside the two-tab grace) revokes its session: whoever holds either copy is out.
   */
  async refresh(token: string | undefined): Promise<{ session: SessionRow; refreshToken: string }> {
    const ended = (msg: string) => new DomainError(ErrorCode.SESSION_ENDED, msg);
    if (!token || token.length > 200) throw ended('No refresh token');
    const now = this.clock.now();
    const used = await this.repo.useRefreshToken(sha256(token), now);
    if (!used) throw ended('Unknown refresh token');
    if (!used.fresh) {
      const since = now.getTime() - new Date(used.usedAt!).getTime();
      if (since >= 0 && since < REFRESH_RACE_GRACE_MS)
        throw new DomainError(ErrorCode.SESSION_ENDED, 'Refresh token already rotated; retry', [], { retry: true });
      const row = await this.repo.findById(used.sessionId);
      if (await this.repo.revoke(used.sessionId, now, 'refresh_reuse')) {
        this.cache.delete(used.sessionId);
        await this.ds.transaction((em) =>
          this.audit.record(em, SYSTEM_ACTOR, {
            action: 'auth.session.refresh_reuse',
            entityType: 'session',
            entityId: used.sessionId,
            after: {
              userId: row?.userId ?? null,
              reason: 'a used refresh token was presented again: the session is revoked',
            },
          }),
        );
      }
      throw ended('Refresh token reused: the session is revoked');
    }
    this.cache.delete(used.sessionId);
    const session = await this.repo.findById(used.sessionId);
    const why = this.endedBecause(session, now.getTime());
    if (why) throw ended(`The session has ended (${why})`);
    return { session: session!, refreshToken: await this.newRefreshToken(session!.id, now) };
  }

  async end(sessionId: string, reason: string): Promise<boolean> {
    this.cache.delete(sessionId);
    return this.repo.revoke(sessionId, this.clock.now(), reason);
  }

  /** Ends every session of a user (log out everywhere, password change, account disabled); the count. */
  async endAllOfUser(userId: string, reason: string, except: string | null = null): Promise<number> {
    const ids = await this.repo.revokeAllOfUser(userId, this.clock.now(), reason, except);
    this.forget(ids);
    return ids.length;
  }

  /** Revokes in the caller's transaction; the caller calls forget() with the ids once it has committed. */
  revokeAllOfUserIn(em: EntityManager, userId: string, reason: string, except: string | null): Promise<string[]> {
    return this.repo.revokeAllOfUser(userId, this.clock.now(), reason, except, em);
  }

  /** Drops cached copies of sessions revoked by a committed transaction. */
  forget(ids: string[]): void {
    for (const id of ids) this.cache.delete(id);
  }

  async setRestricted(sessionId: string, restricted: boolean): Promise<void> {
    await this.repo.setRestricted(sessionId, restricted);
    this.cache.delete(sessionId);
  }

  listLive(userId: string): Promise<SessionRow[]> {
    const now = this.clock.now();
    return this.repo.listLiveOfUser(userId, now, new Date(now.getTime() - this.idleMs));
  }

  async findOwn(userId: string, sessionId: string): Promise<SessionRow | null> {
    const row = await this.repo.findById(sessionId);
    return row && row.userId === userId ? row : null;
  }

  /** A one-time ticket for a URL (EventSource cannot send headers), valid STREAM_TICKET_TTL_S seconds. */
  async issueStreamTicket(sessionId: string): Promise<{ ticket: string; expiresIn: number }> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + STREAM_TICKET_TTL_S * 1000);
    await this.repo.insertStreamTicket(sha256(ticket), sessionId, expiresAt);
    return { ticket, expiresIn: STREAM_TICKET_TTL_S };
  }

  /** Uses a stream ticket; the live session it was issued for, or null. */
  async redeemStreamTicket(ticket: string): Promise<SessionRow | null> {
    if (ticket.length > 100) return null;
    const sid = await this.repo.redeemStreamTicket(sha256(ticket), this.clock.now());
    if (!sid) return null;
    const row = await this.load(sid);
    return this.endedBecause(row, this.clock.now().getTime()) ? null : row;
  }
}
