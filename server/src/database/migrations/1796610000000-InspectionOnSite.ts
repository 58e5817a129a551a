import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §2, the inspector's on-site record (五现场): per drawn enterprise, what was found (现场查) and
 * explained (现场讲), the representative's signature drawn on the phone (现场签字, PNG bytes), every code
 * scanned on site, and the machines found with no code (each also a hazard and an off-platform finding).
 * Hazards learn the inspection target that found them.
 */
export class InspectionOnSite1796610000000 implements MigrationInterface {
  name = 'InspectionOnSite1796610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inspection_records (
        target_id uuid PRIMARY KEY REFERENCES inspection_targets(id) ON DELETE CASCADE,
        findings varchar(4000),
        explained varchar(4000),
        signer_name varchar(50),
        signed_at timestamptz,
        signed_by uuid,
        signature bytea,
        signature_sha256 char(64),
        sign_latitude numeric(9,6),
        sign_longitude numeric(9,6),
        updated_at timestamptz NOT NULL,
        updated_by uuid,
        CHECK ((signed_at IS NULL) = (signature IS NULL)),
        CHECK ((signed_at IS NULL) = (signer_name IS NULL))
      )`);
    await q.query(`
      CREATE TABLE inspection_scans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        target_id uuid NOT NULL REFERENCES inspection_targets(id) ON DELETE CASCADE,
        code varchar(512) NOT NULL,
        outcome varchar(24) NOT NULL,
        subject_type varchar(10),
        subject_id uuid,
        enterprise_id uuid,
        summary jsonb,
        scanned_by uuid NOT NULL,
        scanned_at timestamptz NOT NULL,
        latitude numeric(9,6),
        longitude numeric(9,6)
      )`);
    await q.query(`CREATE INDEX inspection_scans_target_idx ON inspection_scans (target_id, scanned_at)`);
    await q.query(`
      CREATE TABLE inspection_unregistered_machines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        target_id uuid NOT NULL REFERENCES inspection_targets(id) ON DELETE CASCADE,
        plan_id uuid NOT NULL REFERENCES inspection_plans(id) ON DELETE CASCADE,
        enterprise_id uuid NOT NULL REFERENCES enterprises(id),
        region_path text NOT NULL,
        description varchar(2000) NOT NULL,
        latitude numeric(9,6),
        longitude numeric(9,6),
        hazard_id uuid NOT NULL,
        photo_count int NOT NULL DEFAULT 0,
        found_by uuid NOT NULL,
        found_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX inspection_unregistered_enterprise_idx ON inspection_unregistered_machines (enterprise_id, found_at DESC)`,
    );
    await q.query(`CREATE INDEX inspection_unregistered_target_idx ON inspection_unregistered_machines (target_id)`);
    await q.query(`ALTER TABLE hazards ADD COLUMN source_inspection_target_id uuid`);
    await q.query(
      `CREATE INDEX hazards_inspection_target_idx ON hazards (source_inspection_target_id) WHERE source_inspection_target_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS hazards_inspection_target_idx`);
    await q.query(`ALTER TABLE hazards DROP COLUMN IF EXISTS source_inspection_target_id`);
    await q.query(`DROP TABLE IF EXISTS inspection_unregistered_machines`);
    await q.query(`DROP TABLE IF EXISTS inspection_scans`);
    await q.query(`DROP TABLE IF EXISTS inspection_records`);
  }
}
