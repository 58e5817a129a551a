import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';

/** What the database stores. */
export enum PermitStatus {
  Draft = 'draft',
  Submitted = 'submitted',
  Approved = 'approved',
  Rejected = 'rejected',
  Cancelled = 'cancelled',
  Closed = 'closed',
}

/**
 * What the API shows: an approved permit is "active" inside its window and "expired" after it;
 * "suspended" while a failing gas analysis stops it (until a passing re-test or its end).
 */
export type PermitDisplayStatus =
  'draft' | 'submitted' | 'approved' | 'rejected' | 'active' | 'suspended' | 'expired' | 'cancelled' | 'closed';
export const DISPLAY_STATUSES: PermitDisplayStatus[] = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'active',
  'suspended',
  'expired',
  'cancelled',
  'closed',
];

export function displayStatus(
  p: { status: PermitStatus; plannedStart: Date; plannedEnd: Date; suspendedAt?: Date | null },
  now: Date,
): PermitDisplayStatus {
  if (p.status !== PermitStatus.Approved) return p.status;
  if (p.suspendedAt && now.getTime() < p.plannedEnd.getTime()) return 'suspended';
  if (now.getTime() < p.plannedStart.getTime()) return 'approved';
  return now.getTime() < p.plannedEnd.getTime() ? 'active' : 'expired';
}

export type PermitAction =
  | 'update'
  | 'submit'
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'extend'
  | 'decideExtension'
  | 'close'
  | 'addGasAnalysis'
  | 'addAttachment';

/** Which displayed statuses allow which action; anything else is 409 INVALID_STATE. */
export const PERMIT_TRANSITIONS: Record<PermitAction, PermitDisplayStatus[]> = {
  update: ['draft', 'rejected'],
  submit: ['draft', 'rejected'],
  approve: ['submitted'],
  reject: ['submitted'],
  cancel: ['draft', 'submitted', 'rejected', 'approved', 'active', 'suspended', 'expired'],
  extend: ['approved', 'active'],
  decideExtension: ['approved', 'active'],
  close: ['active', 'suspended', 'expired'],
  addGasAnalysis: ['draft', 'submitted', 'rejected', 'approved', 'active', 'suspended'],
  addAttachment: ['draft', 'submitted', 'rejected', 'approved', 'active', 'suspended', 'expired'],
};

export function assertTransition(action: PermitAction, status: PermitDisplayStatus): void {
  if (!PERMIT_TRANSITIONS[action].includes(status)) {
    throw new DomainError(ErrorCode.INVALID_STATE, `A permit in status "${status}" does not allow "${action}"`, [], {
      status,
      action,
      allowedFrom: PERMIT_TRANSITIONS[action],
    });
  }
}
