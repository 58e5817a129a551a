import {
  CLOCK_SKEW_MS,
  GRANT_MAX_LIFETIME_MS,
  MachineKind,
  POSITION_MAX_AGE_MS,
  Position,
  ReasonCode,
} from '@arcgate/protocol';
import { addDays, chinaDayStart } from '../common/time/china-date';
import { PermitDecisionCode as P } from '../permits/permit-decision';
import { CertificateSubOperation } from '../welders/certificate.entity';
import { CertificateCheckReason } from '../welders/certificate-registry';

/**
 * The order in which AuthorizationService checks an arm request; the first failure is the answer.
 * Cheap, request-local checks come first, then the machine (the thing being unlocked), then the
 * person, then the permit and what it demands on site, then the region-wide blackout.
 */
export const CHECK_ORDER = [
  'request freshness (REQUEST_EXPIRED, device requests only)',
  'nonce not used before for this chip (NONCE_REUSED)',
  'chip registered (CHIP_UNKNOWN) and bound to this machine (CHIP_NOT_BOUND)',
  'machine status active (MACHINE_RETIRED, MACHINE_SUSPENDED, MACHINE_NOT_ACTIVE) and kind as reported (MACHINE_KIND_MISMATCH)',
  'enterprise active (ENTERPRISE_INACTIVE)',
  'credential: welder code well-formed, genuine, known, not revoked; or phone session known, for this chip, unused, in time',
  'welder active and certificate of 焊接与热切割作业 valid today, review not overdue, sub-operation fitting the machine',
  'permit: given or the only one naming welder and machine (PERMIT_REQUIRED), then PermitsService.evaluateLoaded (the checks of evaluate, over the preloaded context): approved, in window, naming welder and machine',
  'position present, fresh (POSITION_STALE) and inside the geofence with GPS_TOLERANCE_M; gas analysis fresh for the level',
  'no regulator blackout in force for the enterprise region (BLACKOUT_IN_FORCE)',
] as const;

/** PermitsService's verdicts in the protocol's vocabulary: the single mapping table. */
export const PERMIT_REASON: Readonly<Record<P, ReasonCode>> = {
  [P.OK]: ReasonCode.OK,
  [P.PERMIT_NOT_FOUND]: ReasonCode.PERMIT_NOT_FOUND,
  [P.PERMIT_NOT_APPROVED]: ReasonCode.PERMIT_NOT_APPROVED,
  // Approved at a level that a special period declared since no longer allows: to the device it is not approved.
  [P.PERMIT_LEVEL_RAISED]: ReasonCode.PERMIT_NOT_APPROVED,
  [P.PERMIT_NOT_STARTED]: ReasonCode.PERMIT_NOT_STARTED,
  [P.PERMIT_EXPIRED]: ReasonCode.PERMIT_EXPIRED,
  [P.PERMIT_CLOSED]: ReasonCode.PERMIT_CLOSED,
  [P.PERMIT_CANCELLED]: ReasonCode.PERMIT_CANCELLED,
  [P.ENTERPRISE_INACTIVE]: ReasonCode.ENTERPRISE_INACTIVE,
  [P.WELDER_NOT_NAMED]: ReasonCode.WELDER_NOT_NAMED,
  // The protocol has no "inactive welder": an inactive record is no registered welder.
  [P.WELDER_INACTIVE]: ReasonCode.WELDER_UNKNOWN,
  [P.MACHINE_NOT_NAMED]: ReasonCode.MACHINE_NOT_NAMED,
  [P.CERTIFICATE_MISSING]: ReasonCode.CERTIFICATE_MISSING,
  // The device protocol has no code of its own for this: to the welder at the machine it is "no valid certificate".
  [P.CERTIFICATE_UNVERIFIED]: ReasonCode.CERTIFICATE_MISSING,
  [P.CERTIFICATE_NOT_YET_VALID]: ReasonCode.CERTIFICATE_MISSING,
  [P.CERTIFICATE_EXPIRED]: ReasonCode.CERTIFICATE_EXPIRED,
  [P.CERTIFICATE_REVIEW_OVERDUE]: ReasonCode.CERTIFICATE_REVIEW_OVERDUE,
  [P.CERTIFICATE_SUSPENDED]: ReasonCode.CERTIFICATE_SUSPENDED,
  [P.CERTIFICATE_REVOKED]: ReasonCode.CERTIFICATE_REVOKED,
  [P.MACHINE_INACTIVE]: ReasonCode.MACHINE_NOT_ACTIVE,
  // Neither owned by nor lent to the permit's enterprise for now: the permit does not cover it.
  [P.MACHINE_NOT_AVAILABLE]: ReasonCode.MACHINE_NOT_NAMED,
  [P.POSITION_REQUIRED]: ReasonCode.POSITION_REQUIRED,
  // A fix too coarse to place the welder is as good as none.
  [P.POSITION_INACCURATE]: ReasonCode.POSITION_REQUIRED,
  [P.OUTSIDE_GEOFENCE]: ReasonCode.OUTSIDE_GEOFENCE,
  [P.CONTINUOUS_GAS_MONITORING_REQUIRED]: ReasonCode.CONTINUOUS_GAS_MONITORING_REQUIRED,
  [P.GAS_ANALYSIS_MISSING]: ReasonCode.GAS_ANALYSIS_MISSING,
  [P.GAS_ANALYSIS_FAILED]: ReasonCode.GAS_ANALYSIS_FAILED,
  [P.GAS_ANALYSIS_STALE]: ReasonCode.GAS_ANALYSIS_STALE,
  [P.GAS_RETEST_REQUIRED]: ReasonCode.GAS_RETEST_REQUIRED,
  [P.EVALUATION_ERROR]: ReasonCode.SERVER_ERROR,
};

/** The certificate registry's verdicts, same idea. */
export const CERTIFICATE_REASON: Readonly<Record<CertificateCheckReason, ReasonCode>> = {
  valid: ReasonCode.OK,
  no_certificate: ReasonCode.CERTIFICATE_MISSING,
  unverified: ReasonCode.CERTIFICATE_MISSING,
  not_yet_valid: ReasonCode.CERTIFICATE_MISSING,
  expired: ReasonCode.CERTIFICATE_EXPIRED,
  review_overdue: ReasonCode.CERTIFICATE_REVIEW_OVERDUE,
  suspended: ReasonCode.CERTIFICATE_SUSPENDED,
  revoked: ReasonCode.CERTIFICATE_REVOKED,
  welder_inactive: ReasonCode.WELDER_UNKNOWN,
};

/**
 * 特种作业目录: resistance (spot/seam) welding is 压力焊作业; arc welding, cutting and oxy-fuel
 * welding are 熔化焊接与热切割作业.
 */
export function requiredSubOperation(kind: MachineKind): CertificateSubOperation {
  return kind === 'resistance'
    ? CertificateSubOperation.PressureWelding
    : CertificateSubOperation.FusionWeldingAndThermalCutting;
}

/** Device request time within ±CLOCK_SKEW_MS of the server's decision time. */
export function requestIsFresh(requestTs: Date | undefined, at: Date): boolean {
  if (!requestTs) return true;
  const t = requestTs.getTime();
  return Number.isFinite(t) && Math.abs(t - at.getTime()) <= CLOCK_SKEW_MS;
}

/** A fix older than POSITION_MAX_AGE_MS before the request (or from the future beyond the skew) is stale. */
export function positionIsStale(position: Pick<Position, 'fixAt'>, requestAt: Date): boolean {
  const fix = Date.parse(position.fixAt);
  if (!Number.isFinite(fix)) return true;
  return requestAt.getTime() - fix > POSITION_MAX_AGE_MS || fix - requestAt.getTime() > CLOCK_SKEW_MS;
}

/**
 * The instant a certificate stops covering work: the start of its expiry day, or the start of the
 * day after its review is due (the review may be done on the due day itself), whichever is first.
 */
export function certificateCoverEnds(expiresOn: string | undefined, reviewDueOn: string | undefined): Date | null {
  const ends: number[] = [];
  if (expiresOn) ends.push(chinaDayStart(expiresOn).getTime());
  if (reviewDueOn) ends.push(chinaDayStart(addDays(reviewDueOn, 1)).getTime());
  return ends.length ? new Date(Math.min(...ends)) : null;
}

/** Grant expiry: the earliest of the permit's end, at + GRANT_MAX_LIFETIME_MS, the certificate's cover and any earlier cap. */
export function grantExpiry(at: Date, permitEnd: Date, certificateEnds: Date | null, cap?: Date | null): Date {
  const candidates = [permitEnd.getTime(), at.getTime() + GRANT_MAX_LIFETIME_MS];
  if (certificateEnds) candidates.push(certificateEnds.getTime());
  if (cap) candidates.push(cap.getTime());
  return new Date(Math.min(...candidates));
}

/** Denials that mean an unlicensed, expired or unnamed welder tried to work (UNLICENSED_ATTEMPT). */
export const UNLICENSED_REASONS: ReadonlySet<ReasonCode> = new Set([
  ReasonCode.CERTIFICATE_MISSING,
  ReasonCode.CERTIFICATE_EXPIRED,
  ReasonCode.CERTIFICATE_REVIEW_OVERDUE,
  ReasonCode.CERTIFICATE_SUSPENDED,
  ReasonCode.CERTIFICATE_REVOKED,
  ReasonCode.CERTIFICATE_WRONG_CATEGORY,
  ReasonCode.WELDER_NOT_NAMED,
]);

/** REPEATED_DENIALS: this many denials for one machine within the window. */
export const REPEATED_DENIALS_THRESHOLD = 5;
export const REPEATED_DENIALS_WINDOW_MS = 10 * 60_000;

/** REMOTE_START_FAR_AWAY: phone farther than this from the machine's last fix (or the permit's site). */
export const REMOTE_START_MAX_DISTANCE_M = 500;

/** Nonces are kept this long; a replay after that fails freshness (REQUEST_EXPIRED) anyway. */
export const NONCE_RETENTION_MS = 24 * 3_600_000;
