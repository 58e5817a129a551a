import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No decision lost across a crash (issue 18). A nonce claim is the record of a request being
 * decided: orphaned_at is set by start-up recovery on a claim whose decision never got stored,
 * recovered_at when a retry took the claim over (or recovery stored a denial for it). One grant per
 * (chip, nonce) at most: a claim taken over while its first decision was merely slow cannot yield a
 * second grant for the same request.
 */
export class DecisionRecovery1796436000000 implements MigrationInterface {
  name = 'DecisionRecovery1796436000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE arm_nonces ADD COLUMN orphaned_at timestamptz, ADD COLUMN recovered_at timestamptz`);
    await q.query(`CREATE UNIQUE INDEX grants_one_per_request ON grants (chip_id, nonce) WHERE nonce IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS grants_one_per_request`);
    await q.query(`ALTER TABLE arm_nonces DROP COLUMN orphaned_at, DROP COLUMN recovered_at`);
  }
}
