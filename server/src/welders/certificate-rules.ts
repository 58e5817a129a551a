import { addDays, addYears, chinaDate, chinaDayStart } from '../common/time/china-date';
import { CertificateStatus, CertificateVerification } from './certificate.entity';

/** 安监总局令第30号: valid 6 years, reviewed every 3 years, review window opens 60 days before it is due. */
export const CERTIFICATE_VALIDITY_YEARS = 6;
export const REVIEW_INTERVAL_YEARS = 3;
export const REVIEW_WINDOW_DAYS = 60;

export function initialCertificateDates(issuedOn: string): { expiresOn: string; reviewDueOn: string } {
  return {
    expiresOn: addYears(issuedOn, CERTIFICATE_VALIDITY_YEARS),
    reviewDueOn: addYears(issuedOn, REVIEW_INTERVAL_YEARS),
  };
}

/** After a review, the next one falls due one interval after the one just done, never after expiry. */
export function nextReviewDue(currentDue: string, expiresOn: string): string {
  const next = addYears(currentDue, REVIEW_INTERVAL_YEARS);
  return next > expiresOn ? expiresOn : next;
}

export function reviewWindowOpensOn(reviewDueOn: string): string {
  return addDays(reviewDueOn, -REVIEW_WINDOW_DAYS);
}

/** 'unverified': the record would be valid but nobody has confirmed it with the issuer yet (or it was rejected). */
export type CertificateValidity =
  'valid' | 'unverified' | 'not_yet_valid' | 'expired' | 'review_overdue' | 'suspended' | 'revoked';

export interface CertificateTerms {
  status: CertificateStatus;
  issuedOn: string;
  expiresOn: string;
  reviewDueOn: string;
  /** Anything but 'verified' (a missing value included) fails closed. */
  verification: CertificateVerification;
}

/**
 * Whether a certificate lets its holder work at instant `at`. Dates are China calendar days:
 * a certificate expiring on D is valid until the start of D; a review due on D must be done by the end of D.
 */
export function certificateValidityAt(c: CertificateTerms, at: Date): CertificateValidity {
  if (c.status === CertificateStatus.Revoked) return 'revoked';
  if (c.status === CertificateStatus.Suspended) return 'suspended';
  if (at < chinaDayStart(c.issuedOn)) return 'not_yet_valid';
  if (at >= chinaDayStart(c.expiresOn)) return 'expired';
  if (chinaDate(at) > c.reviewDueOn) return 'review_overdue';
  // Last, so that an unverified record that has lapsed anyway reports the lapse, which is what the holder must fix.
  if (c.verification !== CertificateVerification.Verified) return 'unverified';
  return 'valid';
}

/** Valid at every instant of [from, to]: the checks are monotonic, so both ends suffice. */
export function certificateValidThroughout(c: CertificateTerms, from: Date, to: Date): CertificateValidity {
  const start = certificateValidityAt(c, from);
  if (start !== 'valid') return start;
  return certificateValidityAt(c, to);
}

/**
 * Dates of a certificate whose last review (复审) is known: every due date whose window had opened
 * by that review counts as done, so the next one falls due one interval later.
 */
export function certificateDatesAfterReview(
  issuedOn: string,
  lastReviewedOn: string | null | undefined,
): { expiresOn: string; reviewDueOn: string } {
  const dates = initialCertificateDates(issuedOn);
  let due = dates.reviewDueOn;
  while (lastReviewedOn && due < dates.expiresOn && lastReviewedOn >= reviewWindowOpensOn(due))
    due = nextReviewDue(due, dates.expiresOn);
  return { expiresOn: dates.expiresOn, reviewDueOn: due };
}

/**
 * certificateValidityAt as a SQL expression, for statements that judge many certificates at once (the
 * welder list's filters, the grant revocation sweep). `c`: the certificates row alias; `day`: a SQL
 * expression for the China calendar date of the instant. Same checks in the same order as the function
 * above; certificate-rules.integration-spec.ts holds the two equal on every combination.
 */
export function certificateValiditySql(c: string, day: string): string {
  return `(CASE
    WHEN ${c}.status = '${CertificateStatus.Revoked}' THEN 'revoked'
    WHEN ${c}.status = '${CertificateStatus.Suspended}' THEN 'suspended'
    WHEN ${c}.issued_on > ${day} THEN 'not_yet_valid'
    WHEN ${c}.expires_on <= ${day} THEN 'expired'
    WHEN ${c}.review_due_on < ${day} THEN 'review_overdue'
    WHEN ${c}.verification IS DISTINCT FROM '${CertificateVerification.Verified}' THEN 'unverified'
    ELSE 'valid' END)`;
}
