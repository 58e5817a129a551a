import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, permits: regulators' minimum approval chains per region; the fire watcher as a reference
 * to a registered person of the enterprise (old permits keep their free-text name and phone, readable);
 * what a blackout does to permits (ban or raise the level); the national statutory holiday calendar.
 */
export class PermitChains1796452000000 implements MigrationInterface {
  name = 'PermitChains1796452000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE regional_approval_minimums (
      region_code varchar(12) PRIMARY KEY REFERENCES regions(code),
      region_path text NOT NULL,
      chains jsonb NOT NULL,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`ALTER TABLE permits ADD COLUMN fire_watcher_welder_id uuid REFERENCES welders(id)`);
    // Every blackout declared so far stopped all arcs: it stays a ban.
    await q.query(
      `ALTER TABLE blackouts ADD COLUMN effect varchar(16) NOT NULL DEFAULT 'ban' CHECK (effect IN ('ban','raise_level'))`,
    );
    await q.query(`CREATE TABLE holiday_calendar_years (
      year int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
      published boolean NOT NULL,
      source varchar(300) NOT NULL,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE statutory_holidays (
      day date PRIMARY KEY,
      year int NOT NULL REFERENCES holiday_calendar_years(year) ON DELETE CASCADE,
      name varchar(50) NOT NULL,
      CHECK (extract(year FROM day) = year))`);
    // 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号): the days off, not the make-up working days.
    await q.query(`INSERT INTO holiday_calendar_years (year, published, source) VALUES
      (2026, true, '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）'),
      (2027, false, '尚未录入：国务院办公厅2027年节假日安排须由平台管理员按通知录入')`);
    const days: [string, string, number][] = [
      ['元旦', '2026-01-01', 3],
      ['春节', '2026-02-15', 9],
      ['清明节', '2026-04-04', 3],
      ['劳动节', '2026-05-01', 5],
      ['端午节', '2026-06-19', 3],
      ['中秋节', '2026-09-25', 3],
      ['国庆节', '2026-10-01', 7],
    ];
    for (const [name, first, n] of days) {
      await q.query(
        `INSERT INTO statutory_holidays (day, year, name) SELECT d::date, 2026, $2 FROM generate_series($1::date, $1::date + ($3::int - 1), interval '1 day') d`,
        [first, name, n],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS statutory_holidays`);
    await q.query(`DROP TABLE IF EXISTS holiday_calendar_years`);
    await q.query(`ALTER TABLE blackouts DROP COLUMN IF EXISTS effect`);
    await q.query(`ALTER TABLE permits DROP COLUMN IF EXISTS fire_watcher_welder_id`);
    await q.query(`DROP TABLE IF EXISTS regional_approval_minimums`);
  }
}
