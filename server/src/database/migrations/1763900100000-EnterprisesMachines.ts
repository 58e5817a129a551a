import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A machine suspended by a regulator must stay suspended until a regulator lifts it: the owning
 * enterprise may not simply reactivate it. The flag records who imposed the current suspension.
 */
export class EnterprisesMachines1763900100000 implements MigrationInterface {
  name = 'EnterprisesMachines1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE machines ADD COLUMN suspended_by_regulator boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE machines ADD CONSTRAINT machines_rated_input_positive CHECK (rated_input_kva IS NULL OR rated_input_kva > 0)`,
    );
    await q.query(
      `ALTER TABLE machines ADD CONSTRAINT machines_retired_has_date CHECK ((status = 'retired') = (retired_at IS NOT NULL))`,
    );
    await q.query(`CREATE INDEX machines_status_idx ON machines (status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS machines_status_idx`);
    await q.query(`ALTER TABLE machines DROP CONSTRAINT IF EXISTS machines_retired_has_date`);
    await q.query(`ALTER TABLE machines DROP CONSTRAINT IF EXISTS machines_rated_input_positive`);
    await q.query(`ALTER TABLE machines DROP COLUMN IF EXISTS suspended_by_regulator`);
  }
}
