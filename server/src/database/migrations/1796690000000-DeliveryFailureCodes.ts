import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a notification delivery failed, as a code the console renders (the provider's own words, often
 * English, stay in last_error as technical detail), and the provider's own error code or HTTP status.
 */
export class DeliveryFailureCodes1796690000000 implements MigrationInterface {
  name = 'DeliveryFailureCodes1796690000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notification_deliveries
        ADD COLUMN last_failure varchar(24) CHECK (last_failure IN
          ('unreachable','timeout','http_status','bad_reply','provider_refused','not_configured','webhook_refused','unexpected')),
        ADD COLUMN last_provider_code varchar(40)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_deliveries DROP COLUMN last_failure, DROP COLUMN last_provider_code`);
  }
}
