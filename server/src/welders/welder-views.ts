import { chinaDate, addDays, daysBetween } from '../common/time/china-date';
import { Certificate, CertificateCategory, CertificateSource, CertificateStatus, CertificateSubOperation, CertificateVerification, VerificationSource } from './certificate.entity';
import { certificateValidityAt, CertificateValidity, reviewWindowOpensOn } from './certificate-rules';
import { bestCertificate } from './certificate-verdict';
import { TrainingRecord, TrainingTier } from './training-record.entity';
import { EngagementKind, WelderEngagement } from './welder-engagement.entity';
import { Welder, WelderStatus } from './welder.entity';

/** The welder's standing in one word: the best certificate's validity, or expiring within 90 days, or none. */
export type CertificateState = CertificateValidity | 'expiring_90d' | 'none';
export const EXPIRING_SOON_DAYS = 90;

/** API views: personal data only ever masked; the certificate number is "T" + the masked ID number. */
export interface WelderView {
  id: string;
  realName: string;
  idNumberMasked: string;
  certificateNumberMasked: string;
  phoneMasked: string | null;
  employerId: string;
  employerName: string;
  status: WelderStatus;
  certificateState: CertificateState;
  createdAt: Date;
  updatedAt: Date;
}

export interface CertificateView {
  id: string;
  welderId: string;
  certificateNumberMasked: string;
  category: CertificateCategory;
  subOperation: CertificateSubOperation;
  issuedOn: string;
  expiresOn: string;
  reviewDueOn: string;
  reviewWindowOpensOn: string;
  lastReviewedOn: string | null;
  issuingAuthority: string | null;
  status: CertificateStatus;
  source: CertificateSource;
  /** Only a verified certificate lets its holder work; an enterprise's entry starts unverified. */
  verification: CertificateVerification;
  verificationSource: VerificationSource | null;
  verifiedAt: Date | null;
  /** The regulator's reason for a rejection, or the official source's note. */
  verificationNote: string | null;
  /** A photo of the certificate is on file (GET /api/certificates/:id/photo). */
  hasPhoto: boolean;
  /** Computed now, with the server clock. */
  validity: CertificateValidity;
  daysToExpiry: number;
  updatedAt: Date;
}

export interface EngagementView {
  id: string;
  welderId: string;
  enterpriseId: string;
  enterpriseName: string;
  kind: EngagementKind;
  startsOn: string;
  endsOn: string | null;
  note: string | null;
  activeToday: boolean;
}

export interface TrainingView {
  id: string;
  welderId: string;
  tier: TrainingTier;
  course: string;
  hours: number;
  completedOn: string;
  provider: string | null;
  passed: boolean;
  createdAt: Date;
}

export interface WelderDetailView extends WelderView {
  engagements: EngagementView[];
  certificates: CertificateView[];
  /** The latest trainings; the full list is GET /api/welders/:id/trainings. */
  trainings: TrainingView[];
  trainingTotal: number;
  code: { code: string; url: string; issuedAt: Date } | null;
}

export const certificateNumberMasked = (idNumberMasked: string) => `T${idNumberMasked}`;

export function certificateStateOf(certs: Certificate[], now: Date): CertificateState {
  const best = bestCertificate(certs.filter((c) => c.category === CertificateCategory.WeldingAndThermalCutting), (c) => certificateValidityAt(c, now));
  if (!best) return 'none';
  if (best.validity === 'valid' && best.cert.expiresOn <= addDays(chinaDate(now), EXPIRING_SOON_DAYS)) return 'expiring_90d';
  return best.validity;
}

export function welderView(w: Welder, employerName: string, certs: Certificate[], now: Date): WelderView {
  return {
    id: w.id, realName: w.realName, idNumberMasked: w.idNumberMasked, certificateNumberMasked: certificateNumberMasked(w.idNumberMasked),
    phoneMasked: w.phoneMasked, employerId: w.employerId, employerName, status: w.status,
    certificateState: certificateStateOf(certs, now), createdAt: w.createdAt, updatedAt: w.updatedAt,
  };
}

export function certificateView(c: Certificate, idNumberMasked: string, now: Date, hasPhoto = false): CertificateView {
  return {
    id: c.id, welderId: c.welderId, certificateNumberMasked: certificateNumberMasked(idNumberMasked), category: c.category, subOperation: c.subOperation,
    issuedOn: c.issuedOn, expiresOn: c.expiresOn, reviewDueOn: c.reviewDueOn, reviewWindowOpensOn: reviewWindowOpensOn(c.reviewDueOn),
    lastReviewedOn: c.lastReviewedOn, issuingAuthority: c.issuingAuthority, status: c.status, source: c.source,
    verification: c.verification, verificationSource: c.verificationSource, verifiedAt: c.verifiedAt, verificationNote: c.verificationNote, hasPhoto,
    validity: certificateValidityAt(c, now), daysToExpiry: daysBetween(chinaDate(now), c.expiresOn), updatedAt: c.updatedAt,
  };
}

export function engagementView(g: WelderEngagement, enterpriseName: string, today: string): EngagementView {
  return {
    id: g.id, welderId: g.welderId, enterpriseId: g.enterpriseId, enterpriseName, kind: g.kind, startsOn: g.startsOn, endsOn: g.endsOn, note: g.note,
    activeToday: g.startsOn <= today && (g.endsOn === null || g.endsOn >= today),
  };
}

export function trainingView(t: TrainingRecord): TrainingView {
  return { id: t.id, welderId: t.welderId, tier: t.tier, course: t.course, hours: t.hours, completedOn: t.completedOn, provider: t.provider, passed: t.passed, createdAt: t.createdAt };
}

/** Audit snapshot of a certificate: the number masked, like everywhere else. */
export function certificateAuditSnapshot(c: Certificate, idNumberMasked: string): Record<string, unknown> {
  return {
    certificateNumber: certificateNumberMasked(idNumberMasked), welderId: c.welderId, subOperation: c.subOperation, issuedOn: c.issuedOn,
    expiresOn: c.expiresOn, reviewDueOn: c.reviewDueOn, lastReviewedOn: c.lastReviewedOn, issuingAuthority: c.issuingAuthority, status: c.status, source: c.source,
    verification: c.verification, verificationSource: c.verificationSource, verifiedBy: c.verifiedBy, verificationNote: c.verificationNote,
  };
}
