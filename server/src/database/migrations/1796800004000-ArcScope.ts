import { MigrationInterface, QueryRunner } from 'typeorm';

const BATCH = 50_000;

/**
 * Arcs carry their own scope (issue 19): `enterprise_id` and `region_path`, as decisions and grants do,
 * so the arc list is scoped and ordered by one index of arcs instead of joining machines → enterprises
 * and sorting all of a township's arcs for every page.
 *
 * The columns say where the machine was when the arc was stored (normally seconds after it welded): a
 * machine that later moves to another enterprise or region leaves its past arcs where they were made,
 * as decisions and grants keep theirs. Until now a move carried the machine's whole history along.
 *
 * Written by a BEFORE INSERT trigger from the machine and its enterprise, not by the ingest: the
 * telemetry write path is being rewritten separately, and the trigger serves any writer (unnest,
 * COPY, tests) alike. It fills only what the writer left empty, so a writer that knows the scope
 * (the scale generator) may pass it. Arcs of a chip bound to no machine stay unscoped (admins only),
 * as before, when the join to machines dropped them for everyone below the platform admin.
 *
 * Not in one transaction: the trigger is in place first, then the existing rows are filled in
 * committed batches (no long lock on arcs while telemetry keeps arriving) and the indexes are built
 * CONCURRENTLY. Each step is repeatable, so an interrupted run can simply be run again.
 */
export class ArcScope1796800004000 implements MigrationInterface {
  name = 'ArcScope1796800004000';
  transaction = false;

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE arcs ADD COLUMN IF NOT EXISTS enterprise_id uuid, ADD COLUMN IF NOT EXISTS region_path text`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION arcs_fill_scope() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.enterprise_id IS NULL AND NEW.machine_id IS NOT NULL THEN
          SELECT m.enterprise_id INTO NEW.enterprise_id FROM machines m WHERE m.id = NEW.machine_id;
        END IF;
        IF NEW.region_path IS NULL AND NEW.enterprise_id IS NOT NULL THEN
          SELECT e.region_path INTO NEW.region_path FROM enterprises e WHERE e.id = NEW.enterprise_id;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`DROP TRIGGER IF EXISTS arcs_fill_scope ON arcs`);
    await q.query(
      `CREATE TRIGGER arcs_fill_scope BEFORE INSERT ON arcs FOR EACH ROW EXECUTE FUNCTION arcs_fill_scope()`,
    );

    // Existing rows, in primary-key order, one committed batch at a time.
    let after: { chip: string; seq: string } | null = null;
    for (;;) {
      const rows: { chip_id: string; stop_seq: string }[] = await q.query(
        `WITH batch AS (
           SELECT chip_id, stop_seq, machine_id FROM arcs
           WHERE ${after ? '(chip_id, stop_seq) > ($2, $3::bigint)' : 'true'}
           ORDER BY chip_id, stop_seq LIMIT $1),
         filled AS (
           UPDATE arcs a SET enterprise_id = m.enterprise_id, region_path = e.region_path
           FROM batch b JOIN machines m ON m.id = b.machine_id JOIN enterprises e ON e.id = m.enterprise_id
           WHERE a.chip_id = b.chip_id AND a.stop_seq = b.stop_seq AND a.enterprise_id IS NULL)
         SELECT chip_id, stop_seq::text FROM batch ORDER BY chip_id DESC, stop_seq DESC LIMIT 1`,
        after ? [BATCH, after.chip, after.seq] : [BATCH],
      );
      if (!rows.length) break;
      after = { chip: rows[0].chip_id, seq: rows[0].stop_seq };
    }

    // The list's order, unique: newest first, then the arc's key (equal start times page without gaps).
    // A failed CONCURRENTLY build leaves an invalid index behind: drop it so the rerun builds it again.
    const indexes: [string, string][] = [
      ['arcs_started_key_idx', '(started_at DESC, chip_id DESC, stop_seq DESC)'],
      ['arcs_region_started_idx', '(region_path text_pattern_ops, started_at DESC, chip_id DESC, stop_seq DESC)'],
      ['arcs_enterprise_started_idx', '(enterprise_id, started_at DESC, chip_id DESC, stop_seq DESC)'],
    ];
    for (const [name, columns] of indexes) {
      await q.query(
        `DO $$ BEGIN
           IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '${name}' AND NOT i.indisvalid)
           THEN EXECUTE 'DROP INDEX ${name}'; END IF;
         END $$`,
      );
      await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON arcs ${columns}`);
    }
    // Superseded by arcs_started_key_idx (same leading column: day ranges of the overview still use it).
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS arcs_started_idx`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS arcs_started_idx ON arcs (started_at DESC)`);
    for (const name of ['arcs_enterprise_started_idx', 'arcs_region_started_idx', 'arcs_started_key_idx'])
      await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await q.query(`DROP TRIGGER IF EXISTS arcs_fill_scope ON arcs`);
    await q.query(`DROP FUNCTION IF EXISTS arcs_fill_scope()`);
    await q.query(`ALTER TABLE arcs DROP COLUMN IF EXISTS enterprise_id, DROP COLUMN IF EXISTS region_path`);
  }
}
