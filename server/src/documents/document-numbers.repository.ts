import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DocumentKind } from './document-views';

/** document_numbers: the number each issued document keeps. */
@Injectable()
export class DocumentNumbersRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * The document's sequence number in its kind and year: the one it was given before, else the next one.
   * Two first downloads at once serialise on an advisory lock of the kind and year, so numbers have no gaps
   * and no duplicates. A number given now is passed to `onIssue` inside the same transaction (its audit entry).
   */
  async numberFor(
    kind: DocumentKind,
    subjectKey: string,
    year: number,
    now: Date,
    onIssue: (em: EntityManager, n: { year: number; seq: number }) => Promise<void>,
  ): Promise<{ year: number; seq: number }> {
    const existing = await this.find(kind, subjectKey);
    if (existing) return existing;
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`document_numbers:${kind}:${year}`]);
      const again = await em.query<{ year: number; seq: number }[]>(
        `SELECT year, seq FROM document_numbers WHERE kind = $1 AND subject_key = $2`,
        [kind, subjectKey],
      );
      if (again.length) return again[0];
      const [row] = await em.query<{ year: number; seq: number }[]>(
        `INSERT INTO document_numbers (kind, subject_key, year, seq, issued_at)
         SELECT $1::varchar, $2::varchar, $3::int, COALESCE(MAX(seq), 0) + 1, $4::timestamptz
           FROM document_numbers WHERE kind = $1 AND year = $3
         RETURNING year, seq`,
        [kind, subjectKey, year, now],
      );
      await onIssue(em, row);
      return row;
    });
  }

  private async find(kind: DocumentKind, subjectKey: string): Promise<{ year: number; seq: number } | null> {
    const rows = await this.ds.query<{ year: number; seq: number }[]>(
      `SELECT year, seq FROM document_numbers WHERE kind = $1 AND subject_key = $2`,
      [kind, subjectKey],
    );
    return rows[0] ?? null;
  }
}
