// Types of what the welder pages read: GET /api/welders/:id, GET /api/permits, POST /api/arm-sessions.

export interface WelderCertificate {
  id: string;
  certificateNumberMasked: string;
  category: string;
  subOperation: string;
  issuedOn: string;
  expiresOn: string;
  reviewDueOn: string;
  lastReviewedOn: string | null;
  issuingAuthority: string | null;
  status: string;
  validity: string;
  daysToExpiry: number;
}

export interface WelderDetail {
  id: string;
  realName: string;
  certificateNumberMasked: string;
  employerName: string;
  status: string;
  certificateState: string;
  certificates: WelderCertificate[];
  code: { code: string; url: string; issuedAt: string } | null;
}

export interface PermitSummary {
  id: string;
  enterpriseName: string;
  status: string;
  effectiveLevelLabel: string;
  workDescription: string;
  site: { address: string };
  plannedStart: string;
  plannedEnd: string;
  machines: { id: string; name: string }[];
}

export interface LocalizedText {
  'zh-CN': string;
  en: string;
}

export interface ArmSessionResult {
  allowed: boolean;
  reason: string;
  message: LocalizedText;
  sessionId?: string;
  grant?: { grantId: string; expiresAt: string };
  delivered: boolean;
  pushDeadline?: string;
}

export interface ArmSessionView {
  id: string;
  status: 'pending' | 'delivered' | 'armed' | 'expired' | 'revoked';
  delivered: boolean;
  pushDeadline: string;
  confirmBy: string | null;
  grant: { grantId: string; expiresAt: string };
}
