import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What became of one log-in attempt. Only the *_FAILED results count towards a lockout. */
export type LoginResult =
  'success' | 'bad_credentials' | 'totp_required' | 'totp_failed' | 'account_locked' | 'source_throttled';

export const COUNTED_FAILURES: LoginResult[] = ['bad_credentials', 'totp_failed'];

export interface LoginAttempt {
  at: Date;
  username: string;
  userId: string | null;
  sourceKey: string;
  ip: string;
  userAgent: string | null;
  result: LoginResult;
}

export interface LoginHistoryRow {
  at: Date;
  ip: string;
  userAgent: string | null;
  result: LoginResult;
}

/**
 * login_attempts: every log-in attempt. It is the log-in history users read, and the lockouts are computed
 * from it, so they hold across restarts and replicas (one table, indexed by address, name and user).
 */
@Injectable()
export class LoginAttemptsRepository {
  constructor(private readonly ds: DataSource) {}

  async record(a: LoginAttempt): Promise<void> {
    await this.ds.query(
      `INSERT INTO login_attempts (at, username, user_id, source_key, ip, user_agent, result)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [a.at, a.username, a.userId, a.sourceKey, a.ip, a.userAgent, a.result],
    );
  }

  /** Counted failures from one address since `since`, oldest first, with the (lower-case) name tried. */
  async failuresFromSource(sourceKey: string, since: Date): Promise<{ at: Date; username: string }[]> {
    return this.ds.query(
      `SELECT at, username FROM login_attempts
        WHERE source_key = $1 AND at > $2 AND result = ANY($3) ORDER BY at, id`,
      [sourceKey, since, COUNTED_FAILURES],
    );
  }

  /** Counted failures of one user name since `since` and since its last successful log-in, oldest first. */
  async failuresOfAccount(username: string, since: Date): Promise<Date[]> {
    const rows: { at: Date }[] = await this.ds.query(
      `SELECT at FROM login_attempts
        WHERE username = $1 AND at > $2 AND result = ANY($3)
          AND at > COALESCE((SELECT max(at) FROM login_attempts WHERE username = $1 AND result = 'success'), '-infinity')
        ORDER BY at, id`,
      [username, since, COUNTED_FAILURES],
    );
    return rows.map((r) => r.at);
  }

  /** Deletes up to `limit` attempts older than `before` (oldest first); the number deleted. */
  async deleteOlderThan(before: Date, limit: number): Promise<number> {
    const rows: { n: number }[] = await this.ds.query(
      `WITH d AS (DELETE FROM login_attempts WHERE id IN (
                    SELECT id FROM login_attempts WHERE at < $1 ORDER BY at LIMIT $2) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [before, limit],
    );
    return rows[0]?.n ?? 0;
  }

  async historyOf(userId: string, limit: number): Promise<LoginHistoryRow[]> {
    return this.ds.query(
      `SELECT at, ip, user_agent AS "userAgent", result FROM login_attempts
        WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
      [userId, limit],
    );
  }
}
