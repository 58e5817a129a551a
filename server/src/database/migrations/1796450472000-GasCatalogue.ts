import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gas analyses name the catalogue gas whose LEL set their pass mark (permits/gas-catalogue.ts).
 * Existing rows keep their stored class and verdict: they were judged under the rule of their day and
 * are a record of it; gas_code stays null for them (as for any gas typed in).
 */
export class GasCatalogue1796450472000 implements MigrationInterface {
  name = 'GasCatalogue1796450472000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE permit_gas_analyses ADD COLUMN gas_code varchar(40)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE permit_gas_analyses DROP COLUMN gas_code`);
  }
}
