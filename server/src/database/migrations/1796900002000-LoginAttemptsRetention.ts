import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hourly retention of log-in attempts deletes the oldest first: by time alone, which no index had. */
export class LoginAttemptsRetention1796900002000 implements MigrationInterface {
  name = 'LoginAttemptsRetention1796900002000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX login_attempts_at ON login_attempts (at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS login_attempts_at`);
  }
}
