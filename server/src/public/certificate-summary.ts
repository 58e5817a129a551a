import { certificateValidityAt, CertificateTerms, CertificateValidity } from '../welders/certificate-rules';
import { bestCertificate } from '../welders/certificate-registry';

export type PublicCertificateState = CertificateValidity | 'none';

export interface CertificateSummary {
  validToday: boolean;
  state: PublicCertificateState;
  expiresOn?: string;
}

/** The best of a welder's certificates at instant `at`, by the registry's rule (ties go to the one that expires last). */
export function summariseCertificates(certificates: CertificateTerms[], at: Date): CertificateSummary {
  const best = bestCertificate(certificates, (c) => certificateValidityAt(c, at));
  if (!best) return { validToday: false, state: 'none' };
  return { validToday: best.validity === 'valid', state: best.validity, expiresOn: best.cert.expiresOn };
}
