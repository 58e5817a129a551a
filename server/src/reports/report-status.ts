import { ReportStatus } from './report.entity';

/**
 * The closed loop: received → verifying → verified (查实) | rejected → closed (销号).
 * An obviously unfounded report may be rejected straight away.
 */
const NEXT: Record<ReportStatus, readonly ReportStatus[]> = {
  [ReportStatus.Received]: [ReportStatus.Verifying, ReportStatus.Rejected],
  [ReportStatus.Verifying]: [ReportStatus.Verified, ReportStatus.Rejected],
  [ReportStatus.Verified]: [ReportStatus.Closed],
  [ReportStatus.Rejected]: [ReportStatus.Closed],
  [ReportStatus.Closed]: [],
};

/** A finding, a rejection and a close-out (审核把关销号) must each say why. */
const NOTE_REQUIRED: ReadonlySet<ReportStatus> = new Set([
  ReportStatus.Verified,
  ReportStatus.Rejected,
  ReportStatus.Closed,
]);

export function allowedNext(from: ReportStatus): readonly ReportStatus[] {
  return NEXT[from];
}

export function canTransition(from: ReportStatus, to: ReportStatus): boolean {
  return NEXT[from].includes(to);
}

export function noteRequired(to: ReportStatus): boolean {
  return NOTE_REQUIRED.has(to);
}
