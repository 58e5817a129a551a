import {
  CLOCK_SKEW_MS,
  DENIAL_REASONS,
  GRANT_MAX_LIFETIME_MS,
  POSITION_MAX_AGE_MS,
  ReasonCode,
} from '@arcgate/protocol';
import { PermitDecisionCode } from '../permits/permit-decision';
import { CertificateSubOperation } from '../welders/certificate.entity';
import { scannedCode } from './arm-sessions.service';
import { monthStart, partitionName } from './decision-maintenance';
import {
  CERTIFICATE_REASON,
  certificateCoverEnds,
  grantExpiry,
  PERMIT_REASON,
  positionIsStale,
  requestIsFresh,
  requiredSubOperation,
  UNLICENSED_REASONS,
} from './decision-rules';

describe('decision rules', () => {
  const at = new Date('2026-01-05T01:00:00.000Z');

  it('maps every permit verdict to a protocol reason a denial may carry', () => {
    for (const code of Object.values(PermitDecisionCode)) {
      const reason = PERMIT_REASON[code];
      expect(reason).toBeDefined();
      if (code === PermitDecisionCode.OK) expect(reason).toBe(ReasonCode.OK);
      else expect(DENIAL_REASONS).toContain(reason);
    }
    expect(PERMIT_REASON[PermitDecisionCode.EVALUATION_ERROR]).toBe(ReasonCode.SERVER_ERROR);
    expect(PERMIT_REASON[PermitDecisionCode.GAS_ANALYSIS_STALE]).toBe(ReasonCode.GAS_ANALYSIS_STALE);
  });

  it('maps every certificate verdict, valid only to OK', () => {
    expect(CERTIFICATE_REASON.valid).toBe(ReasonCode.OK);
    for (const [k, v] of Object.entries(CERTIFICATE_REASON)) if (k !== 'valid') expect(DENIAL_REASONS).toContain(v);
    expect(CERTIFICATE_REASON.no_certificate).toBe(ReasonCode.CERTIFICATE_MISSING);
    expect(CERTIFICATE_REASON.review_overdue).toBe(ReasonCode.CERTIFICATE_REVIEW_OVERDUE);
    // At the machine an unverified record is no licence at all.
    expect(CERTIFICATE_REASON.unverified).toBe(ReasonCode.CERTIFICATE_MISSING);
    expect(UNLICENSED_REASONS.has(ReasonCode.WELDER_NOT_NAMED)).toBe(true);
    expect(UNLICENSED_REASONS.has(ReasonCode.OUTSIDE_GEOFENCE)).toBe(false);
  });

  it('caps a grant at the permit end, 8 h, the certificate cover and an earlier cap', () => {
    const permitEnd = new Date(at.getTime() + 3_600_000);
    expect(grantExpiry(at, permitEnd, null)).toEqual(permitEnd);
    const farEnd = new Date(at.getTime() + 72 * 3_600_000);
    expect(grantExpiry(at, farEnd, null).getTime()).toBe(at.getTime() + GRANT_MAX_LIFETIME_MS);
    const certEnd = new Date(at.getTime() + 600_000);
    expect(grantExpiry(at, farEnd, certEnd)).toEqual(certEnd);
    const cap = new Date(at.getTime() + 60_000);
    expect(grantExpiry(at, farEnd, certEnd, cap)).toEqual(cap);
  });

  it('ends certificate cover at the start of the expiry day or the day after the review due date (China time)', () => {
    expect(certificateCoverEnds('2028-03-01', '2026-03-01')).toEqual(new Date('2026-03-01T16:00:00.000Z'));
    expect(certificateCoverEnds('2026-02-01', '2027-03-01')).toEqual(new Date('2026-01-31T16:00:00.000Z'));
    expect(certificateCoverEnds(undefined, undefined)).toBeNull();
  });

  it('accepts request times within the clock skew only', () => {
    expect(requestIsFresh(undefined, at)).toBe(true);
    expect(requestIsFresh(new Date(at.getTime() - CLOCK_SKEW_MS), at)).toBe(true);
    expect(requestIsFresh(new Date(at.getTime() - CLOCK_SKEW_MS - 1), at)).toBe(false);
    expect(requestIsFresh(new Date(at.getTime() + CLOCK_SKEW_MS + 1), at)).toBe(false);
    expect(requestIsFresh(new Date(NaN), at)).toBe(false);
  });

  it('calls a fix stale when older than POSITION_MAX_AGE_MS or unreadable', () => {
    expect(positionIsStale({ fixAt: new Date(at.getTime() - POSITION_MAX_AGE_MS).toISOString() }, at)).toBe(false);
    expect(positionIsStale({ fixAt: new Date(at.getTime() - POSITION_MAX_AGE_MS - 1).toISOString() }, at)).toBe(true);
    expect(positionIsStale({ fixAt: 'yesterday' }, at)).toBe(true);
  });

  it('requires 压力焊 for resistance machines and 熔化焊接与热切割 otherwise', () => {
    expect(requiredSubOperation('resistance')).toBe(CertificateSubOperation.PressureWelding);
    expect(requiredSubOperation('electric_arc')).toBe(CertificateSubOperation.FusionWeldingAndThermalCutting);
    expect(requiredSubOperation('gas')).toBe(CertificateSubOperation.FusionWeldingAndThermalCutting);
  });

  it('names monthly partitions and reads scanned codes', () => {
    expect(partitionName(monthStart(new Date('2026-12-31T23:00:00Z'), 1))).toBe('decisions_202701');
    expect(scannedCode(' https://arcgate.test/q/m1abc?x=1 ')).toBe('M1ABC');
    expect(scannedCode('m1abc')).toBe('M1ABC');
  });
});
