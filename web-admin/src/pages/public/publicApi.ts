// Types of the public (no log-in) endpoints: /api/public/codes, /api/public/reports, /api/public/report-regions.

export interface PublicMachineScan {
  type: 'machine';
  code: string;
  valid: boolean;
  machine: { name: string; kind: string; status: string; registered: boolean; chipBound: boolean };
  /** Whether the machine may weld right now (server-side: registered, chipped, enterprise active, approved permit in force). */
  authorisation: { authorisedNow: boolean; permitInForce: boolean; unlockedNow: boolean };
  enterprise: { name: string; status: string };
}

export interface PublicWelderScan {
  type: 'welder';
  code: string;
  valid: boolean;
  welder: { maskedName: string; status: string };
  certificate: { validToday: boolean; state: string; expiresOn?: string };
}

export type PublicScan = PublicMachineScan | PublicWelderScan;

export interface ReportReceipt {
  trackingCode: string;
  displayCode: string;
  status: ReportStatus;
  submittedAt: string;
}

export interface PublicReportStatus extends ReportReceipt {
  rewardEligible: boolean;
  updatedAt: string;
}

export type ReportStatus = 'received' | 'verifying' | 'verified' | 'rejected' | 'closed';

export interface PublicRegion {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

export const scanPath = (code: string) => `/api/public/codes/${encodeURIComponent(code)}`;
