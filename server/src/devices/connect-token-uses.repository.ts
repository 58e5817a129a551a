import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * One use per connect token. The nonce of every accepted token is kept in PostgreSQL until the token
 * could no longer verify anyway, so the embedded broker, the HTTP hooks of an external broker, several
 * server replicas and a restart all see the same "used" set. Rows are bounded by the connects of
 * the last CONNECT_TOKEN_WINDOW_MS: every use first deletes what has expired.
 */
@Injectable()
export class ConnectTokenUsesRepository {
  constructor(private readonly ds: DataSource) {}

  /** True when this (chip, nonce) was not used before and is now recorded; false for a replay. */
  async claimOnce(chipId: string, nonce: string, usedAt: Date, expiresAt: Date): Promise<boolean> {
    await this.ds.query(`DELETE FROM connect_token_uses WHERE expires_at < $1`, [usedAt]);
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO connect_token_uses (chip_id, nonce, used_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (chip_id, nonce) DO NOTHING RETURNING 1`,
      [chipId, nonce, usedAt, expiresAt],
    );
    return rows.length === 1;
  }
}
