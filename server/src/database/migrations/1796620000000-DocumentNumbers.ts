import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 §2, enforcement documents (执法文书): each document gets its number (e.g. 责改〔2026〕第3号)
 * the first time it is issued, one sequence per kind of document and China year; the same record (a hazard's order, one review of it, an inspection target) keeps
 * the same number on every later download.
 */
export class DocumentNumbers1796620000000 implements MigrationInterface {
  name = 'DocumentNumbers1796620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE document_numbers (
        kind varchar(32) NOT NULL,
        subject_key varchar(100) NOT NULL,
        year int NOT NULL,
        seq int NOT NULL CHECK (seq > 0),
        issued_at timestamptz NOT NULL,
        PRIMARY KEY (kind, subject_key),
        UNIQUE (kind, year, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE document_numbers`);
  }
}
