import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: a password set by someone else (an admin's reset, a seeded or created account) must be changed
 * by its owner at the next log-in; `password_changed_at` dates the current one.
 */
export class UserPasswordChange1796540000000 implements MigrationInterface {
  name = 'UserPasswordChange1796540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE users ADD COLUMN password_changed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN password_changed_at`);
    await q.query(`ALTER TABLE users DROP COLUMN must_change_password`);
  }
}
