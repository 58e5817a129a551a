import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Checklist, missingChecklistItems } from './checklist';
import { ChecklistDto, GeofenceDto } from './dto/create-permit.dto';
import { Geofence } from './geofence';
import { PermitLevel, windowViolation } from './permit-levels';
import { Permit } from './permit.entity';

/** How far a time people enter (phone or gas meter clock) may be off the server's; not message CLOCK_SKEW_MS. */
export const ENTERED_TIME_SKEW_MS = 60_000;

export function toGeofence(g: GeofenceDto): Geofence {
  if (g.type === 'circle')
    return { type: 'circle', center: { lat: g.center!.lat, lng: g.center!.lng }, radiusM: g.radiusM! };
  return { type: 'polygon', points: g.points!.map((p) => ({ lat: p.lat, lng: p.lng })) };
}

/** Keeps only the answers given, so that a partial checklist update does not erase the rest. */
export function mergeChecklist(current: Checklist, patch: ChecklistDto | undefined): Checklist {
  const out: Checklist = { ...current };
  for (const [k, v] of Object.entries(patch ?? {})) if (typeof v === 'boolean') out[k as keyof Checklist] = v;
  return out;
}

export function assertWindowOrder(start: Date, end: Date, endField = 'plannedEnd'): void {
  if (end.getTime() <= start.getTime())
    throw DomainError.invalid(endField, 'afterStart', `${endField} must be after plannedStart`);
}

/**
 * How far back a start given now may lie: the form's picker has minute resolution and filling it in
 * takes minutes, so "now" is a few minutes old when it arrives. Anything older is back-dating.
 */
export const PERMIT_START_GRACE_MS = 15 * 60_000;

/**
 * A start given now may not lie in the past (beyond PERMIT_START_GRACE_MS): a back-dated permit would
 * cover hot work that was done without one. Drafts whose start has since passed are judged at submission.
 */
export function assertStartNotPast(start: Date, now: Date): void {
  if (start.getTime() < now.getTime() - Math.max(ENTERED_TIME_SKEW_MS, PERMIT_START_GRACE_MS)) {
    throw new DomainError(ErrorCode.PERMIT_WINDOW_PAST, 'The planned start lies in the past', [
      { field: 'plannedStart', code: 'inPast', message: 'plannedStart must not be earlier than now' },
    ]);
  }
}

export function assertWindowFits(level: PermitLevel, start: Date, end: Date, field = 'plannedEnd'): void {
  const v = windowViolation(level, start, end);
  if (v)
    throw new DomainError(
      ErrorCode.PERMIT_WINDOW_TOO_LONG,
      v.message,
      [{ field, code: 'windowTooLong', message: v.message }],
      { level: v.level, maxHours: v.maxHours, actualMinutes: v.actualMinutes },
    );
}

/** Submission needs the fire watcher and every mandatory checklist item. */
export function assertComplete(p: Permit): void {
  const fields = missingChecklistItems(p.checklist).map((i) => ({
    field: `checklist.${i.key}`,
    code: 'mustBeChecked',
    message: `${i.label}: must be confirmed before submission`,
  }));
  if (!p.fireWatcherName || !p.fireWatcherPhoneEnc)
    fields.unshift({
      field: 'fireWatcher',
      code: 'required',
      message: '监护人 (fire watcher) with a phone number is required',
    });
  if (fields.length) throw new DomainError(ErrorCode.PERMIT_INCOMPLETE, 'The permit is incomplete', fields);
}

/**
 * What the audit log keeps of a permit: everything a change can touch that decides who may weld where and
 * when (work, site, geofence, checklist, approval chain), with no plain phone numbers.
 */
export function auditSnapshot(p: Permit): Record<string, unknown> {
  return {
    status: p.status,
    requestedLevel: p.requestedLevel,
    effectiveLevel: p.effectiveLevel,
    plannedStart: p.plannedStart,
    plannedEnd: p.plannedEnd,
    workDescription: p.workDescription,
    siteAddress: p.siteAddress,
    siteLatitude: p.siteLatitude,
    siteLongitude: p.siteLongitude,
    geofence: p.geofence,
    checklist: p.checklist,
    approvalChain: p.approvalChain,
    fireWatcherName: p.fireWatcherName,
    fireWatcherPhone: p.fireWatcherPhoneMasked,
    currentStep: p.currentStep,
    approvalRound: p.approvalRound,
    rejectionReason: p.rejectionReason,
    cancelReason: p.cancelReason,
    workStoppedAt: p.workStoppedAt,
    fireWatchEndedAt: p.fireWatchEndedAt,
  };
}
