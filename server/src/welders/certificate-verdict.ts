import { CertificateTerms, CertificateValidity } from './certificate-rules';
import { WelderStatus } from './welder.entity';

/*
 * The one rule for judging a welder's certificates, used by the arm decision (CertificateRegistry),
 * the permit checks (evaluation and submission), the welder list and the public scan page.
 * Pure: callers load the certificates and say at which instant (or window) each is judged.
 */

/**
 * Lower is better: a welder holding one valid certificate may work, whatever else they hold; when
 * none is valid, the one closest to being usable is reported (a suspension can be lifted, an expiry cannot).
 */
export const CERTIFICATE_RANK: Readonly<Record<CertificateValidity, number>> = {
  valid: 0,
  unverified: 1,
  review_overdue: 2,
  not_yet_valid: 3,
  suspended: 4,
  expired: 5,
  revoked: 6,
};

/** The best certificate by validity (CERTIFICATE_RANK), then by the latest expiry; null when there is none. */
export function bestCertificate<T extends CertificateTerms>(
  certs: T[],
  validityOf: (c: T) => CertificateValidity,
): { cert: T; validity: CertificateValidity } | null {
  let best: { cert: T; validity: CertificateValidity } | null = null;
  for (const cert of certs) {
    const validity = validityOf(cert);
    const rank = CERTIFICATE_RANK[validity];
    const bestRank = best ? CERTIFICATE_RANK[best.validity] : Infinity;
    if (!best || rank < bestRank || (rank === bestRank && cert.expiresOn > best.cert.expiresOn))
      best = { cert, validity };
  }
  return best;
}

/** The permits' vocabulary: the best certificate's validity, or 'missing' when there is none. */
export type CertificateVerdict = CertificateValidity | 'missing';

export function certificateVerdict<T extends CertificateTerms>(
  certs: T[],
  validityOf: (c: T) => CertificateValidity,
): CertificateVerdict {
  return bestCertificate(certs, validityOf)?.validity ?? 'missing';
}

/** Only an active welder record may work or be named on a permit; unknown (null) fails closed. */
export function isWelderActive(status: WelderStatus | null | undefined): boolean {
  return status === WelderStatus.Active;
}
