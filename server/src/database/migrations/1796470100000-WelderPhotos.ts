import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The welder's portrait (issue 14 §3): uploaded by the employer, checked by the regulator of the area,
 * shown on the badge and the public scan so that a passer-by can tell the badge belongs to the person.
 * The bytes stay in PostgreSQL (backups and access rules cover them; no public file URL exists). At
 * most one photo per welder awaits review and at most one is approved at a time.
 */
export class WelderPhotos1796470100000 implements MigrationInterface {
  name = 'WelderPhotos1796470100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE welder_photos (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        welder_id uuid NOT NULL REFERENCES welders(id) ON DELETE CASCADE,
        status varchar(16) NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
        content_type varchar(32) NOT NULL,
        size_bytes int NOT NULL,
        sha256 char(64) NOT NULL,
        data bytea NOT NULL,
        uploaded_by uuid,
        uploaded_at timestamptz NOT NULL,
        reviewed_by uuid,
        reviewed_at timestamptz,
        review_reason text
      )`);
    await q.query(
      `CREATE UNIQUE INDEX welder_photos_one_pending ON welder_photos (welder_id) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX welder_photos_one_approved ON welder_photos (welder_id) WHERE status = 'approved'`,
    );
    await q.query(`CREATE INDEX welder_photos_pending ON welder_photos (uploaded_at) WHERE status = 'pending'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE welder_photos`);
  }
}
