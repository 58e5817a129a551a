import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../database/returned-rows';

export interface TotpRow {
  userId: string;
  secretEnc: string;
  confirmedAt: Date | null;
  lastStep: string | null;
  recoveryCodeHashes: string[];
}

/** user_totp: one TOTP secret per user (encrypted), pending until confirmed, with hashed recovery codes. */
@Injectable()
export class TotpRepository {
  constructor(private readonly ds: DataSource) {}

  async find(userId: string): Promise<TotpRow | null> {
    const rows: TotpRow[] = await this.ds.query(
      `SELECT user_id AS "userId", secret_enc AS "secretEnc", confirmed_at AS "confirmedAt",
              last_step::text AS "lastStep", recovery_code_hashes AS "recoveryCodeHashes"
         FROM user_totp WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /** A new pending secret (replaces an unconfirmed one; never a confirmed one). */
  async putPending(userId: string, secretEnc: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO user_totp (user_id, secret_enc) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, recovery_code_hashes = '{}', last_step = NULL
         WHERE user_totp.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, secretEnc],
    );
    return rows.length > 0;
  }

  async confirm(
    em: EntityManager,
    userId: string,
    at: Date,
    step: number,
    recoveryCodeHashes: string[],
  ): Promise<void> {
    await em.query(
      `UPDATE user_totp SET confirmed_at = $2, last_step = $3, recovery_code_hashes = $4 WHERE user_id = $1`,
      [userId, at, step, recoveryCodeHashes],
    );
  }

  /** Records a used time step; false when it (or a later one) was used already (a replayed code). */
  async useStep(userId: string, step: number): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2) RETURNING user_id`,
        [userId, step],
      ),
    );
    return rows.length > 0;
  }

  /** Uses up one recovery code; false when it is not (or no longer) one of the user's. */
  async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE user_totp SET recovery_code_hashes = array_remove(recovery_code_hashes, $2)
        WHERE user_id = $1 AND $2 = ANY(recovery_code_hashes) RETURNING user_id`,
        [userId, hash],
      ),
    );
    return rows.length > 0;
  }

  async remove(em: EntityManager, userId: string): Promise<void> {
    await em.query(`DELETE FROM user_totp WHERE user_id = $1`, [userId]);
  }
}
