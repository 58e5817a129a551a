import { ApiProperty } from '@nestjs/swagger';
import { chinaDate, addDays, daysBetween } from '../common/time/china-date';
import {
  Certificate,
  CertificateCategory,
  CertificateSource,
  CertificateStatus,
  CertificateSubOperation,
  CertificateVerification,
  VerificationSource,
} from './certificate.entity';
import { certificateValidityAt, CertificateValidity, reviewWindowOpensOn } from './certificate-rules';
import { bestCertificate } from './certificate-verdict';
import { TrainingRecord, TrainingTier } from './training-record.entity';
import { EngagementKind, WelderEngagement } from './welder-engagement.entity';
import { Welder, WelderStatus } from './welder.entity';

/** The welder's standing in one word: the best certificate's validity, or expiring within 90 days, or none. */
export type CertificateState = CertificateValidity | 'expiring_90d' | 'none';
export const EXPIRING_SOON_DAYS = 90;

// The unions above as lists for the API document; `satisfies` makes a value added to a union fail here until listed.
const CERTIFICATE_VALIDITIES = Object.keys({
  valid: 1,
  unverified: 1,
  not_yet_valid: 1,
  expired: 1,
  review_overdue: 1,
  suspended: 1,
  revoked: 1,
} satisfies Record<CertificateValidity, 1>);
export const CERTIFICATE_STATES = [
  ...CERTIFICATE_VALIDITIES,
  ...Object.keys({ expiring_90d: 1, none: 1 } satisfies Record<Exclude<CertificateState, CertificateValidity>, 1>),
];

export class WelderCodeView {
  @ApiProperty() code!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: String, format: 'date-time' }) issuedAt!: Date;
}

/** API views: personal data only ever masked; the certificate number is "T" + the masked ID number. */
export class WelderView {
  @ApiProperty() id!: string;
  @ApiProperty() realName!: string;
  @ApiProperty() idNumberMasked!: string;
  @ApiProperty() certificateNumberMasked!: string;
  @ApiProperty({ type: String, nullable: true }) phoneMasked!: string | null;
  @ApiProperty() employerId!: string;
  @ApiProperty() employerName!: string;
  @ApiProperty({ enum: WelderStatus, enumName: 'WelderStatus' }) status!: WelderStatus;
  @ApiProperty({ enum: CERTIFICATE_STATES, enumName: 'CertificateState' }) certificateState!: CertificateState;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class CertificateView {
  @ApiProperty() id!: string;
  @ApiProperty() welderId!: string;
  @ApiProperty() certificateNumberMasked!: string;
  @ApiProperty({ enum: CertificateCategory, enumName: 'CertificateCategory' }) category!: CertificateCategory;
  @ApiProperty({ enum: CertificateSubOperation, enumName: 'CertificateSubOperation' })
  subOperation!: CertificateSubOperation;
  @ApiProperty() issuedOn!: string;
  @ApiProperty() expiresOn!: string;
  @ApiProperty() reviewDueOn!: string;
  @ApiProperty() reviewWindowOpensOn!: string;
  @ApiProperty({ type: String, nullable: true }) lastReviewedOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) issuingAuthority!: string | null;
  @ApiProperty({ enum: CertificateStatus, enumName: 'CertificateStatus' }) status!: CertificateStatus;
  @ApiProperty({ enum: CertificateSource, enumName: 'CertificateSource' }) source!: CertificateSource;
  /** Only a verified certificate lets its holder work; an enterprise's entry starts unverified. */
  @ApiProperty({ enum: CertificateVerification, enumName: 'CertificateVerification' })
  verification!: CertificateVerification;
  @ApiProperty({ enum: VerificationSource, enumName: 'VerificationSource', nullable: true })
  verificationSource!: VerificationSource | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) verifiedAt!: Date | null;
  /** The regulator's reason for a rejection, or the official source's note. */
  @ApiProperty({ type: String, nullable: true }) verificationNote!: string | null;
  /** A photo of the certificate is on file (GET /api/certificates/:id/photo). */
  @ApiProperty() hasPhoto!: boolean;
  /** Computed now, with the server clock. */
  @ApiProperty({ enum: CERTIFICATE_VALIDITIES, enumName: 'CertificateValidity' }) validity!: CertificateValidity;
  @ApiProperty() daysToExpiry!: number;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class EngagementView {
  @ApiProperty() id!: string;
  @ApiProperty() welderId!: string;
  @ApiProperty() enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ enum: EngagementKind, enumName: 'EngagementKind' }) kind!: EngagementKind;
  @ApiProperty() startsOn!: string;
  @ApiProperty({ type: String, nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() activeToday!: boolean;
}

export class TrainingView {
  @ApiProperty() id!: string;
  @ApiProperty() welderId!: string;
  @ApiProperty({ enum: TrainingTier, enumName: 'TrainingTier' }) tier!: TrainingTier;
  @ApiProperty() course!: string;
  @ApiProperty() hours!: number;
  @ApiProperty() completedOn!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty() passed!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class WelderDetailView extends WelderView {
  @ApiProperty({ type: () => [EngagementView] }) engagements!: EngagementView[];
  @ApiProperty({ type: () => [CertificateView] }) certificates!: CertificateView[];
  /** The latest trainings; the full list is GET /api/welders/:id/trainings. */
  @ApiProperty({ type: () => [TrainingView] }) trainings!: TrainingView[];
  @ApiProperty() trainingTotal!: number;
  @ApiProperty({ type: () => WelderCodeView, nullable: true }) code!: WelderCodeView | null;
}

export const certificateNumberMasked = (idNumberMasked: string) => `T${idNumberMasked}`;

export function certificateStateOf(certs: Certificate[], now: Date): CertificateState {
  const best = bestCertificate(
    certs.filter((c) => c.category === CertificateCategory.WeldingAndThermalCutting),
    (c) => certificateValidityAt(c, now),
  );
  if (!best) return 'none';
  if (best.validity === 'valid' && best.cert.expiresOn <= addDays(chinaDate(now), EXPIRING_SOON_DAYS))
    return 'expiring_90d';
  return best.validity;
}

export function welderView(w: Welder, employerName: string, certs: Certificate[], now: Date): WelderView {
  return {
    id: w.id,
    realName: w.realName,
    idNumberMasked: w.idNumberMasked,
    certificateNumberMasked: certificateNumberMasked(w.idNumberMasked),
    phoneMasked: w.phoneMasked,
    employerId: w.employerId,
    employerName,
    status: w.status,
    certificateState: certificateStateOf(certs, now),
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export function certificateView(c: Certificate, idNumberMasked: string, now: Date, hasPhoto = false): CertificateView {
  return {
    id: c.id,
    welderId: c.welderId,
    certificateNumberMasked: certificateNumberMasked(idNumberMasked),
    category: c.category,
    subOperation: c.subOperation,
    issuedOn: c.issuedOn,
    expiresOn: c.expiresOn,
    reviewDueOn: c.reviewDueOn,
    reviewWindowOpensOn: reviewWindowOpensOn(c.reviewDueOn),
    lastReviewedOn: c.lastReviewedOn,
    issuingAuthority: c.issuingAuthority,
    status: c.status,
    source: c.source,
    verification: c.verification,
    verificationSource: c.verificationSource,
    verifiedAt: c.verifiedAt,
    verificationNote: c.verificationNote,
    hasPhoto,
    validity: certificateValidityAt(c, now),
    daysToExpiry: daysBetween(chinaDate(now), c.expiresOn),
    updatedAt: c.updatedAt,
  };
}

export function engagementView(g: WelderEngagement, enterpriseName: string, today: string): EngagementView {
  return {
    id: g.id,
    welderId: g.welderId,
    enterpriseId: g.enterpriseId,
    enterpriseName,
    kind: g.kind,
    startsOn: g.startsOn,
    endsOn: g.endsOn,
    note: g.note,
    activeToday: g.startsOn <= today && (g.endsOn === null || g.endsOn >= today),
  };
}

export function trainingView(t: TrainingRecord): TrainingView {
  return {
    id: t.id,
    welderId: t.welderId,
    tier: t.tier,
    course: t.course,
    hours: t.hours,
    completedOn: t.completedOn,
    provider: t.provider,
    passed: t.passed,
    createdAt: t.createdAt,
  };
}

/** Audit snapshot of a certificate: the number masked, like everywhere else. */
export function certificateAuditSnapshot(c: Certificate, idNumberMasked: string): Record<string, unknown> {
  return {
    certificateNumber: certificateNumberMasked(idNumberMasked),
    welderId: c.welderId,
    subOperation: c.subOperation,
    issuedOn: c.issuedOn,
    expiresOn: c.expiresOn,
    reviewDueOn: c.reviewDueOn,
    lastReviewedOn: c.lastReviewedOn,
    issuingAuthority: c.issuingAuthority,
    status: c.status,
    source: c.source,
    verification: c.verification,
    verificationSource: c.verificationSource,
    verifiedBy: c.verifiedBy,
    verificationNote: c.verificationNote,
  };
}
