import {
  DENIAL_REASONS,
  isReasonCode,
  REASON_CODES,
  ReasonCode,
  reasonMessage,
  REASONS,
  REVOKE_REASONS,
} from './reason-codes';

const REQUIRED = [
  'OK',
  'CHIP_UNKNOWN',
  'CHIP_NOT_BOUND',
  'MACHINE_NOT_ACTIVE',
  'MACHINE_RETIRED',
  'ENTERPRISE_INACTIVE',
  'WELDER_UNKNOWN',
  'WELDER_CODE_INVALID',
  'WELDER_CODE_REVOKED',
  'CERTIFICATE_MISSING',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_REVIEW_OVERDUE',
  'CERTIFICATE_SUSPENDED',
  'CERTIFICATE_WRONG_CATEGORY',
  'PERMIT_REQUIRED',
  'PERMIT_NOT_FOUND',
  'PERMIT_NOT_APPROVED',
  'PERMIT_NOT_STARTED',
  'PERMIT_EXPIRED',
  'PERMIT_CLOSED',
  'PERMIT_CANCELLED',
  'WELDER_NOT_NAMED',
  'MACHINE_NOT_NAMED',
  'OUTSIDE_GEOFENCE',
  'POSITION_REQUIRED',
  'POSITION_STALE',
  'GAS_ANALYSIS_MISSING',
  'GAS_ANALYSIS_STALE',
  'GAS_ANALYSIS_FAILED',
  'GAS_RETEST_REQUIRED',
  'CONTINUOUS_GAS_MONITORING_REQUIRED',
  'BLACKOUT_IN_FORCE',
  'NONCE_REUSED',
  'REQUEST_EXPIRED',
  'BAD_SIGNATURE',
  'MALFORMED',
  'RATE_LIMITED',
  'PHONE_SESSION_UNKNOWN',
  'PHONE_SESSION_EXPIRED',
  'SERVER_ERROR',
];
const REQUIRED_REVOKE = [
  'PERMIT_CANCELLED',
  'CERTIFICATE_REVOKED',
  'CODE_REVOKED',
  'MACHINE_SUSPENDED',
  'GRANT_EXPIRED',
  'REGULATOR_ORDER',
  'GAS_ANALYSIS_FAILED',
  // The server's revocation rule ends a grant with these (grants.repository.ts).
  'CERTIFICATE_MISSING',
  'PERMIT_NOT_APPROVED',
];

describe('reason codes', () => {
  it('cover every code the issue asks for', () => {
    for (const c of REQUIRED) expect(REASON_CODES).toContain(c);
    for (const c of REQUIRED_REVOKE) expect(REVOKE_REASONS).toContain(c);
  });

  it('have values equal to their names and a Chinese and English message each', () => {
    for (const [key, value] of Object.entries(ReasonCode)) expect(key).toBe(value);
    for (const code of REASON_CODES) {
      expect(REASONS[code].message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(REASONS[code].message.en).toMatch(/^[A-Z][ -~]+$/);
    }
  });

  it('split into denial and revoke sets; OK is neither', () => {
    expect(DENIAL_REASONS).not.toContain(ReasonCode.OK);
    expect(REVOKE_REASONS).not.toContain(ReasonCode.OK);
    expect(DENIAL_REASONS).not.toContain(ReasonCode.GRANT_EXPIRED);
    expect(REVOKE_REASONS).not.toContain(ReasonCode.WELDER_NOT_NAMED);
    const renewalOnly = REASON_CODES.filter((c) => REASONS[c].use === 'renew');
    expect(renewalOnly).toEqual([
      ReasonCode.DEVICE_CERT_REVOKED,
      ReasonCode.DEVICE_CERT_UNKNOWN,
      ReasonCode.DEVICE_CERT_KEY_MISMATCH,
    ]);
    expect(new Set([...DENIAL_REASONS, ...REVOKE_REASONS, ...renewalOnly, ReasonCode.OK]).size).toBe(
      REASON_CODES.length,
    );
    for (const c of renewalOnly) expect([...DENIAL_REASONS, ...REVOKE_REASONS]).not.toContain(c);
  });

  it('marks the retryable ones', () => {
    expect(REASONS[ReasonCode.RATE_LIMITED].retryable).toBe(true);
    expect(REASONS[ReasonCode.CERTIFICATE_EXPIRED].retryable).toBe(false);
  });

  it('returns copies of messages and recognises codes', () => {
    const m = reasonMessage(ReasonCode.PERMIT_EXPIRED);
    m.en = 'changed';
    expect(REASONS[ReasonCode.PERMIT_EXPIRED].message.en).toBe('Permit has expired');
    expect(isReasonCode('PERMIT_EXPIRED')).toBe(true);
    expect(isReasonCode('permit_expired')).toBe(false);
  });
});
