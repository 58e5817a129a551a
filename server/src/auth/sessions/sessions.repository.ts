import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../database/returned-rows';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  restricted: boolean;
  ip: string | null;
  userAgent: string | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, user_id AS "userId", created_at AS "createdAt", last_seen_at AS "lastSeenAt",
  expires_at AS "expiresAt", restricted, ip, user_agent AS "userAgent", revoked_at AS "revokedAt"`;

/** auth_sessions, auth_refresh_tokens and stream_tickets: the server side of every log-in. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(s: Omit<SessionRow, 'revokedAt'>): Promise<void> {
    await this.ds.query(
      `INSERT INTO auth_sessions (id, user_id, created_at, last_seen_at, expires_at, restricted, ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.id, s.userId, s.createdAt, s.lastSeenAt, s.expiresAt, s.restricted, s.ip, s.userAgent],
    );
  }

  async findById(id: string): Promise<SessionRow | null> {
    const rows: SessionRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM auth_sessions WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async listLiveOfUser(userId: string, now: Date, idleSince: Date): Promise<SessionRow[]> {
    return this.ds.query(
      `SELECT ${COLUMNS} FROM auth_sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3
        ORDER BY last_seen_at DESC`,
      [userId, now, idleSince],
    );
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE auth_sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, [id, at]);
  }

  async setRestricted(id: string, restricted: boolean): Promise<void> {
    await this.ds.query(`UPDATE auth_sessions SET restricted = $2 WHERE id = $1`, [id, restricted]);
  }

  /** Revokes one session; true when it was live. */
  async revoke(id: string, at: Date, reason: string): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [id, at, reason],
      ),
    );
    return rows.length > 0;
  }

  /** Revokes every live session of a user but `except`; the ids revoked. */
  async revokeAllOfUser(
    userId: string,
    at: Date,
    reason: string,
    except: string | null = null,
    em: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    const rows: { id: string }[] = returnedRows(
      await em.query(
        `UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid) RETURNING id`,
        [userId, at, reason, except],
      ),
    );
    return rows.map((r) => r.id);
  }

  async insertRefreshToken(hash: string, sessionId: string, at: Date): Promise<void> {
    await this.ds.query(`INSERT INTO auth_refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`, [
      hash,
      sessionId,
      at,
    ]);
  }

  /**
   * Marks a refresh token used, atomically. `fresh`: it was unused (the caller may rotate); otherwise
   * `usedAt` says when it was used before (reuse), or the token is unknown (null result).
   */
  async useRefreshToken(
    hash: string,
    at: Date,
  ): Promise<{ sessionId: string; fresh: boolean; usedAt: Date | null } | null> {
    const used: { sessionId: string }[] = returnedRows(
      await this.ds.query(
        `UPDATE auth_refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL
       RETURNING session_id AS "sessionId"`,
        [hash, at],
      ),
    );
    if (used.length) return { sessionId: used[0].sessionId, fresh: true, usedAt: null };
    const rows: { sessionId: string; usedAt: Date }[] = await this.ds.query(
      `SELECT session_id AS "sessionId", used_at AS "usedAt" FROM auth_refresh_tokens WHERE token_hash = $1`,
      [hash],
    );
    return rows.length ? { sessionId: rows[0].sessionId, fresh: false, usedAt: rows[0].usedAt } : null;
  }

  async insertStreamTicket(hash: string, sessionId: string, expiresAt: Date): Promise<void> {
    await this.ds.query(`INSERT INTO stream_tickets (ticket_hash, session_id, expires_at) VALUES ($1, $2, $3)`, [
      hash,
      sessionId,
      expiresAt,
    ]);
    // Old tickets are dead weight: sweep the expired ones now and then.
    if (Math.random() < 0.05)
      await this.ds.query(`DELETE FROM stream_tickets WHERE expires_at < $1::timestamptz - interval '1 hour'`, [
        expiresAt,
      ]);
  }

  /** Uses a stream ticket once; its session id, or null when unknown, used or expired. */
  async redeemStreamTicket(hash: string, at: Date): Promise<string | null> {
    const rows: { sessionId: string }[] = returnedRows(
      await this.ds.query(
        `UPDATE stream_tickets SET used_at = $2 WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > $2
       RETURNING session_id AS "sessionId"`,
        [hash, at],
      ),
    );
    return rows[0]?.sessionId ?? null;
  }
}
