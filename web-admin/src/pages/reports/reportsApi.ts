// Types of the regulator report endpoints: GET /api/reports, GET /api/reports/:id, POST /api/reports/:id/transition.
import { reportStatusValues, type components } from '../../api/schema';
import type { ReportStatus } from '../public/publicApi';

export type { ReportStatus };

export type ReportSummary = components['schemas']['ReportSummaryView'];
export type ReportDetail = components['schemas']['ReportDetailView'];

export const REPORT_STATUSES: readonly ReportStatus[] = reportStatusValues;
export const STATUS_COLOUR: Record<ReportStatus, string> = {
  received: 'gold',
  verifying: 'blue',
  verified: 'red',
  rejected: 'default',
  closed: 'green',
};
/** Statuses whose transition needs a note (finding, rejection, 审核把关销号). */
export const NOTE_REQUIRED: ReadonlySet<ReportStatus> = new Set(['verified', 'rejected', 'closed']);
