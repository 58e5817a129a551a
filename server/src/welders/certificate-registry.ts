import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '../common/validation/uuid';
import { Certificate, CertificateCategory, CertificateSubOperation } from './certificate.entity';
import { CertificateTerms, certificateValidityAt, certificateValidThroughout, CertificateValidity } from './certificate-rules';
import { CertificateRecords, CertificatesRepository } from './certificates.repository';
import { WelderStatus } from './welder.entity';

export type CertificateCheckReason = CertificateValidity | 'no_certificate' | 'welder_inactive';

export interface CertificateCheck {
  valid: boolean;
  reason: CertificateCheckReason;
  certificateId?: string;
  expiresOn?: string;
  reviewDueOn?: string;
}

/**
 * Whether a welder holds a certificate that lets them work. Today the answer comes from imported
 * records; a connector to the national 特种作业操作证查询 service can implement the same interface.
 */
export interface CertificateRegistry {
  checkWelder(welderId: string, at: Date, opts?: { until?: Date; subOperation?: CertificateSubOperation }): Promise<CertificateCheck>;
}

export const CERTIFICATE_REGISTRY = 'CERTIFICATE_REGISTRY';

/** Lower is better: when no certificate is valid, report the one closest to being usable. */
const RANK: Record<CertificateValidity, number> = { valid: 0, unverified: 1, review_overdue: 2, not_yet_valid: 3, suspended: 4, expired: 5, revoked: 6 };

/** The best certificate by validity, then by the latest expiry. */
export function bestCertificate<T extends CertificateTerms>(certs: T[], validityOf: (c: T) => CertificateValidity): { cert: T; validity: CertificateValidity } | null {
  let best: { cert: T; validity: CertificateValidity } | null = null;
  for (const cert of certs) {
    const validity = validityOf(cert);
    if (!best || RANK[validity] < RANK[best.validity] || (RANK[validity] === RANK[best.validity] && cert.expiresOn > best.cert.expiresOn)) best = { cert, validity };
  }
  return best;
}

type CheckableCertificate = CertificateTerms & Pick<Certificate, 'id' | 'category' | 'subOperation'>;

/** The decision, free of storage: fails closed (unknown welder, no certificate, any doubt → not valid). */
export function decideCertificateCheck(
  welderStatus: WelderStatus | null,
  certs: CheckableCertificate[],
  at: Date,
  opts: { until?: Date; subOperation?: CertificateSubOperation } = {},
): CertificateCheck {
  if (Number.isNaN(at.getTime()) || (opts.until && Number.isNaN(opts.until.getTime()))) throw new RangeError('checkWelder needs valid instants');
  if (opts.until && opts.until < at) throw new RangeError('checkWelder: until is before at');
  if (welderStatus === null) return { valid: false, reason: 'no_certificate' };
  if (welderStatus !== WelderStatus.Active) return { valid: false, reason: 'welder_inactive' };
  const pool = certs.filter((c) => c.category === CertificateCategory.WeldingAndThermalCutting && (!opts.subOperation || c.subOperation === opts.subOperation));
  const until = opts.until;
  const best = bestCertificate(pool, (c) => (until ? certificateValidThroughout(c, at, until) : certificateValidityAt(c, at)));
  if (!best) return { valid: false, reason: 'no_certificate' };
  return { valid: best.validity === 'valid', reason: best.validity, certificateId: best.cert.id, expiresOn: best.cert.expiresOn, reviewDueOn: best.cert.reviewDueOn };
}

/** CertificateRegistry over the certificates imported or entered into ArcGate's own database. */
@Injectable()
export class ImportedCertificateRegistry implements CertificateRegistry {
  constructor(@Inject(CertificatesRepository) private readonly records: CertificateRecords) {}

  async checkWelder(welderId: string, at: Date, opts: { until?: Date; subOperation?: CertificateSubOperation } = {}): Promise<CertificateCheck> {
    if (!isUuid(welderId)) return decideCertificateCheck(null, [], at, opts);
    const status = await this.records.findWelderStatus(welderId);
    const certs = status ? await this.records.findWeldingCertificates(welderId, opts.subOperation) : [];
    return decideCertificateCheck(status, certs, at, opts);
  }
}
