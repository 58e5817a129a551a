// Types of the regulator report endpoints: GET /api/reports, GET /api/reports/:id, POST /api/reports/:id/transition.
import type { ReportStatus } from '../public/publicApi';

export type { ReportStatus };

export interface ReportSummary {
  id: string;
  trackingCode: string;
  status: ReportStatus;
  rewardEligible: boolean;
  description: string;
  machineCode: string | null;
  machineCodeState: 'valid' | 'forged' | 'unknown' | 'revoked' | null;
  machine: { id: string; name: string; serialNumber: string } | null;
  enterprise: { id: string; name: string } | null;
  regionCode: string | null;
  regionPath: string | null;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  reporterContact: string | null;
  photoCount: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface ReportDetail extends ReportSummary {
  photos: { id: string; contentType: string; sizeBytes: number }[];
  trail: { from: ReportStatus | null; to: ReportStatus; note: string | null; actor: string; at: string }[];
  allowedNext: ReportStatus[];
}

export const REPORT_STATUSES: ReportStatus[] = ['received', 'verifying', 'verified', 'rejected', 'closed'];
export const STATUS_COLOUR: Record<ReportStatus, string> = { received: 'gold', verifying: 'blue', verified: 'red', rejected: 'default', closed: 'green' };
/** Statuses whose transition needs a note (finding, rejection, 审核把关销号). */
export const NOTE_REQUIRED: ReadonlySet<ReportStatus> = new Set(['verified', 'rejected', 'closed']);
