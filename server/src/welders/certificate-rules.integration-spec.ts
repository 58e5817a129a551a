import { Client } from 'pg';
import { chinaDayStart } from '../common/time/china-date';
import { CertificateStatus, CertificateVerification } from './certificate.entity';
import { CertificateTerms, certificateValidityAt, certificateValiditySql } from './certificate-rules';

/*
 * The certificate rule has two renderings: the function the arm decision and the permit checks run,
 * and the SQL the welder list and the grant sweep run over many rows. PostgreSQL judges every
 * combination of status, verification and date position here, and must agree with the function.
 */
const TODAY = '2026-06-15';
const DAYS = ['2026-06-14', TODAY, '2026-06-16'];

function combinations(): CertificateTerms[] {
  const all: CertificateTerms[] = [];
  for (const status of Object.values(CertificateStatus))
    for (const verification of Object.values(CertificateVerification))
      for (const issuedOn of DAYS)
        for (const expiresOn of DAYS)
          for (const reviewDueOn of DAYS) all.push({ status, verification, issuedOn, expiresOn, reviewDueOn });
  return all;
}

describe('certificateValiditySql', () => {
  let c: Client;
  beforeAll(async () => {
    c = new Client({ connectionString: process.env.ARCGATE_TEST_ADMIN_URL });
    await c.connect();
  });
  afterAll(() => c?.end());

  it('reaches the same validity as certificateValidityAt on every combination, at any hour of the China day', async () => {
    const certs = combinations();
    const rows = certs.map(
      (t, i) =>
        `(${i}, '${t.status}', '${t.verification}', '${t.issuedOn}'::date, '${t.expiresOn}'::date, '${t.reviewDueOn}'::date)`,
    );
    const { rows: judged } = await c.query<{ i: number; v: string }>(
      `SELECT c.i, ${certificateValiditySql('c', '$1::date')} AS v
         FROM (VALUES ${rows.join(', ')}) AS c(i, status, verification, issued_on, expires_on, review_due_on)
        ORDER BY c.i`,
      [TODAY],
    );
    const dayStart = chinaDayStart(TODAY).getTime();
    for (const at of [new Date(dayStart), new Date(dayStart + 12 * 3600_000), new Date(dayStart + 86_400_000 - 1)]) {
      const mismatches = certs
        .map((t, i) => ({ t, sql: judged[i].v, ts: certificateValidityAt(t, at) }))
        .filter((m) => m.sql !== m.ts);
      expect(mismatches).toEqual([]);
    }
    expect(new Set(judged.map((r) => r.v))).toEqual(
      new Set(['valid', 'unverified', 'not_yet_valid', 'expired', 'review_overdue', 'suspended', 'revoked']),
    );
  });
});
