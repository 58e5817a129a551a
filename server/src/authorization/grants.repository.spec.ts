import { REASON_CODES, REVOKE_REASONS } from '@arcgate/protocol';
import { REVOKE_REASON_SQL } from './grants.repository';

describe('the revocation rule', () => {
  // A reason the protocol does not allow in grant.revoke fails the outbox's validation: the grant is marked
  // revoked but the device is never told, so its arc stays on until the grant expires (seen with CERTIFICATE_MISSING).
  it('ends grants only with reasons a grant.revoke may carry', () => {
    const produced = REASON_CODES.filter((c) => new RegExp(`'${c}'`).test(REVOKE_REASON_SQL));
    expect(produced.length).toBeGreaterThanOrEqual(12);
    expect(produced.filter((c) => !REVOKE_REASONS.includes(c))).toEqual([]);
  });
});
