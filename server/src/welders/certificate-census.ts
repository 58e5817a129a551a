import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { ReportingPool } from '../database/reporting-pool';
import { addDays } from '../common/time/china-date';
import { CertificateCategory } from './certificate.entity';
import { CertificateValidity, certificateValiditySql } from './certificate-rules';
import { CERTIFICATE_RANK } from './certificate-verdict';
import { CertificateState, EXPIRING_SOON_DAYS } from './welder-views';
import { WelderAccess } from './welder-access';

/** How many active welders the actor is responsible for, by certificate state (certificateStateOf). */
export interface CertificateCensus {
  countByCertificateState(actor: Actor): Promise<{ total: number; byState: Partial<Record<CertificateState, number>> }>;
}

export const CERTIFICATE_CENSUS = 'CERTIFICATE_CENSUS';

const VALIDITY = certificateValiditySql('c', ':today');
const RANK = `CASE ${VALIDITY} ${(Object.entries(CERTIFICATE_RANK) as [CertificateValidity, number][])
  .map(([v, r]) => `WHEN '${v}' THEN ${r}`)
  .join(' ')} END`;

/**
 * certificateStateOf of the welder row `w` as a SQL expression (a CertificateState: 'valid', 'expiring_90d',
 * 'unverified', 'review_overdue', 'expired', ..., or 'none'): the welder's best welding certificate (lowest
 * CERTIFICATE_RANK, then latest expiry, over the welder's own certificates by index) judged by
 * certificateValiditySql. Parameters: `:today`, `:soon` and `:welding` (welderCertificateStateParams).
 * The census below and the off-platform audit's uncertified-welder list both use it: one rule.
 */
export function welderCertificateStateSql(w: string): string {
  return `COALESCE((
          SELECT CASE WHEN ${VALIDITY} = 'valid' AND c.expires_on <= :soon THEN 'expiring_90d' ELSE ${VALIDITY} END
            FROM certificates c
           WHERE c.welder_id = ${w}.id AND c.category = :welding
           ORDER BY ${RANK}, c.expires_on DESC
           LIMIT 1), 'none')`;
}

/** The parameters welderCertificateStateSql needs, for the China calendar day `today`. */
export function welderCertificateStateParams(today: string): { today: string; soon: string; welding: string } {
  return { today, soon: addDays(today, EXPIRING_SOON_DAYS), welding: CertificateCategory.WeldingAndThermalCutting };
}

/**
 * certificateStateOf for every welder in one statement, counted in PostgreSQL: each welder's best
 * certificate (lowest CERTIFICATE_RANK, then latest expiry, over the welder's own certificates by
 * index) judged by certificateValiditySql. The
 * overview reads counts, not the certificates of a whole province.
 */
@Injectable()
export class CertificateCensusQuery implements CertificateCensus {
  constructor(
    private readonly ds: DataSource,
    private readonly scope: WelderAccess,
    private readonly reporting: ReportingPool,
  ) {}

  async countByCertificateState(
    actor: Actor,
  ): Promise<{ total: number; byState: Partial<Record<CertificateState, number>> }> {
    const today = this.scope.today();
    const qb = this.ds
      .createQueryBuilder()
      .from('welders', 'w')
      .innerJoin('enterprises', 'e', 'e.id = w.employer_id')
      .select(welderCertificateStateSql('w'), 'state')
      .addSelect('count(*)::int', 'n')
      .where(`w.status = 'active'`)
      .groupBy('state')
      .setParameters(welderCertificateStateParams(today));
    // On the reporting pool: a province census is seconds of database time, never the device path's connections.
    const rows = await this.reporting.rows<{ state: CertificateState; n: number }>(
      this.scope.scopeQuery(qb, actor, today),
    );
    const byState: Partial<Record<CertificateState, number>> = {};
    let total = 0;
    for (const r of rows) {
      byState[r.state] = r.n;
      total += r.n;
    }
    return { total, byState };
  }
}
