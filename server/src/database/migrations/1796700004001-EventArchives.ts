import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of raw device events (issue 19 §3): the catalogue of months archived to files and dropped
 * from device_events. A row is written in the same transaction that drops the month's rows, so the
 * database itself says which months live only in the archive, and which file holds each (its row
 * count and SHA-256 are checked before a drop and before a restore).
 */
export class EventArchives1796700004001 implements MigrationInterface {
  name = 'EventArchives1796700004001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_event_archives (
        month date PRIMARY KEY CHECK (extract(day FROM month) = 1),
        file varchar(200) NOT NULL,
        generation integer NOT NULL CHECK (generation >= 1),
        rows bigint NOT NULL CHECK (rows >= 0),
        sha256 char(64) NOT NULL,
        bytes bigint NOT NULL CHECK (bytes >= 0),
        archived_at timestamptz NOT NULL,
        dropped_at timestamptz,
        restored_at timestamptz)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device_event_archives`);
  }
}
