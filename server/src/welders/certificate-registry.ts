import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '../common/validation/uuid';
import { Certificate, CertificateCategory, CertificateSubOperation } from './certificate.entity';
import {
  CertificateTerms,
  certificateValidityAt,
  certificateValidThroughout,
  CertificateValidity,
} from './certificate-rules';
import { bestCertificate, isWelderActive } from './certificate-verdict';
import { CertificateRecords, CertificatesRepository } from './certificates.repository';
import { WelderStatus } from './welder.entity';

// The port's pure rules, for callers that judge certificates they loaded themselves (permits, public scan).
export { bestCertificate, CERTIFICATE_RANK, certificateVerdict, isWelderActive } from './certificate-verdict';
export type { CertificateVerdict } from './certificate-verdict';

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
  checkWelder(
    welderId: string,
    at: Date,
    opts?: { until?: Date; subOperation?: CertificateSubOperation },
  ): Promise<CertificateCheck>;
}

export const CERTIFICATE_REGISTRY = 'CERTIFICATE_REGISTRY';

type CheckableCertificate = CertificateTerms & Pick<Certificate, 'id' | 'category' | 'subOperation'>;

/** The decision, free of storage: fails closed (unknown welder, no certificate, any doubt → not valid). */
export function decideCertificateCheck(
  welderStatus: WelderStatus | null,
  certs: CheckableCertificate[],
  at: Date,
  opts: { until?: Date; subOperation?: CertificateSubOperation } = {},
): CertificateCheck {
  if (Number.isNaN(at.getTime()) || (opts.until && Number.isNaN(opts.until.getTime())))
    throw new RangeError('checkWelder needs valid instants');
  if (opts.until && opts.until < at) throw new RangeError('checkWelder: until is before at');
  if (welderStatus === null) return { valid: false, reason: 'no_certificate' };
  if (!isWelderActive(welderStatus)) return { valid: false, reason: 'welder_inactive' };
  const pool = certs.filter(
    (c) =>
      c.category === CertificateCategory.WeldingAndThermalCutting &&
      (!opts.subOperation || c.subOperation === opts.subOperation),
  );
  const until = opts.until;
  const best = bestCertificate(pool, (c) =>
    until ? certificateValidThroughout(c, at, until) : certificateValidityAt(c, at),
  );
  if (!best) return { valid: false, reason: 'no_certificate' };
  return {
    valid: best.validity === 'valid',
    reason: best.validity,
    certificateId: best.cert.id,
    expiresOn: best.cert.expiresOn,
    reviewDueOn: best.cert.reviewDueOn,
  };
}

/** CertificateRegistry over the certificates imported or entered into ArcGate's own database. */
@Injectable()
export class ImportedCertificateRegistry implements CertificateRegistry {
  constructor(@Inject(CertificatesRepository) private readonly records: CertificateRecords) {}

  async checkWelder(
    welderId: string,
    at: Date,
    opts: { until?: Date; subOperation?: CertificateSubOperation } = {},
  ): Promise<CertificateCheck> {
    if (!isUuid(welderId)) return decideCertificateCheck(null, [], at, opts);
    const status = await this.records.findWelderStatus(welderId);
    const certs = status ? await this.records.findWeldingCertificates(welderId, opts.subOperation) : [];
    return decideCertificateCheck(status, certs, at, opts);
  }
}
