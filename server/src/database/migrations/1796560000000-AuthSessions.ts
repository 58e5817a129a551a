import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16 §1 credentials and sessions (等保 2.0 third level): server-side sessions that access tokens
 * name (log-out and idle time-out revoke for real), rotating refresh tokens stored hashed (a reused one
 * revokes its session, i.e. its family), every log-in attempt (history, and the persistent per-account and
 * per-address lockout computed from it, shared by replicas and kept across restarts), TOTP second factor
 * with hashed recovery codes, and one-time stream tickets that replace the JWT in the SSE URL.
 */
export class AuthSessions1796560000000 implements MigrationInterface {
  name = 'AuthSessions1796560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        restricted boolean NOT NULL DEFAULT false,
        ip varchar(64),
        user_agent varchar(256),
        revoked_at timestamptz,
        revoke_reason varchar(32)
      )`);
    await q.query(`CREATE INDEX auth_sessions_user ON auth_sessions (user_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE auth_refresh_tokens (
        token_hash char(64) PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id)`);
    await q.query(`
      CREATE TABLE login_attempts (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        username varchar(64) NOT NULL,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        source_key varchar(64) NOT NULL,
        ip varchar(64) NOT NULL,
        user_agent varchar(256),
        result varchar(24) NOT NULL
      )`);
    await q.query(`CREATE INDEX login_attempts_source ON login_attempts (source_key, at)`);
    await q.query(`CREATE INDEX login_attempts_username ON login_attempts (username, at)`);
    await q.query(`CREATE INDEX login_attempts_user ON login_attempts (user_id, at)`);
    await q.query(`
      CREATE TABLE user_totp (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_enc text NOT NULL,
        confirmed_at timestamptz,
        last_step bigint,
        recovery_code_hashes text[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`
      CREATE TABLE stream_tickets (
        ticket_hash char(64) PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stream_tickets`);
    await q.query(`DROP TABLE user_totp`);
    await q.query(`DROP TABLE login_attempts`);
    await q.query(`DROP TABLE auth_refresh_tokens`);
    await q.query(`DROP TABLE auth_sessions`);
  }
}
