import { certificateValidityAt, CertificateTerms, CertificateValidity } from '../welders/certificate-rules';

export type PublicCertificateState = CertificateValidity | 'none';

export interface CertificateSummary {
  validToday: boolean;
  state: PublicCertificateState;
  expiresOn?: string;
}

/** Best first: a welder holding one valid certificate may work, whatever else they hold. */
const RANK: CertificateValidity[] = ['valid', 'unverified', 'review_overdue', 'not_yet_valid', 'expired', 'suspended', 'revoked'];

/** The best of a welder's certificates at instant `at`; ties go to the one that expires last. */
export function summariseCertificates(certificates: CertificateTerms[], at: Date): CertificateSummary {
  let best: { state: CertificateValidity; expiresOn: string } | null = null;
  for (const c of certificates) {
    const state = certificateValidityAt(c, at);
    if (!best || RANK.indexOf(state) < RANK.indexOf(best.state) || (state === best.state && c.expiresOn > best.expiresOn)) {
      best = { state, expiresOn: c.expiresOn };
    }
  }
  if (!best) return { validToday: false, state: 'none' };
  return { validToday: best.state === 'valid', state: best.state, expiresOn: best.expiresOn };
}
