import { CLOCK_SKEW_MS } from '@arcgate/protocol';
import { aclActions } from '../devices/broker-hooks.controller';
import { GrantInfo, grantValidAt } from './grant-lookup';
import { permitEndedAt } from './telemetry-rules';

const grant = (over: Partial<GrantInfo> = {}): GrantInfo => ({
  id: 'g1',
  chipId: 'CHIP',
  machineId: 'm',
  welderId: 'w',
  permitId: 'p',
  notBefore: new Date('2026-03-02T08:00:00Z'),
  expiresAt: new Date('2026-03-02T10:00:00Z'),
  revokedAt: null,
  ...over,
});

describe('grantValidAt', () => {
  it('accepts an arc inside the grant window of the same chip', () => {
    expect(grantValidAt(grant(), 'CHIP', new Date('2026-03-02T09:00:00Z'))).toBe(true);
  });

  it('fails closed: unknown grant, other chip, expired, revoked before the arc', () => {
    expect(grantValidAt(undefined, 'CHIP', new Date('2026-03-02T09:00:00Z'))).toBe(false);
    expect(grantValidAt(grant(), 'OTHER', new Date('2026-03-02T09:00:00Z'))).toBe(false);
    expect(grantValidAt(grant(), 'CHIP', new Date('2026-03-02T10:00:00Z'))).toBe(false);
    expect(
      grantValidAt(grant({ revokedAt: new Date('2026-03-02T08:30:00Z') }), 'CHIP', new Date('2026-03-02T09:00:00Z')),
    ).toBe(false);
    expect(
      grantValidAt(grant({ revokedAt: new Date('2026-03-02T09:30:00Z') }), 'CHIP', new Date('2026-03-02T09:00:00Z')),
    ).toBe(true);
  });

  it('allows the protocol clock skew before the start only', () => {
    const start = new Date('2026-03-02T08:00:00Z').getTime();
    expect(grantValidAt(grant(), 'CHIP', new Date(start - CLOCK_SKEW_MS))).toBe(true);
    expect(grantValidAt(grant(), 'CHIP', new Date(start - CLOCK_SKEW_MS - 1))).toBe(false);
  });
});

describe('permitEndedAt', () => {
  const base = {
    id: 'p',
    status: 'approved',
    plannedEnd: new Date('2026-03-02T12:00:00Z'),
    closedAt: null,
    cancelledAt: null,
    geofence: null,
  };
  it('is the earliest of window end, closing and cancelling', () => {
    expect(permitEndedAt(base).toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(permitEndedAt({ ...base, closedAt: new Date('2026-03-02T11:00:00Z') }).toISOString()).toBe(
      '2026-03-02T11:00:00.000Z',
    );
    expect(
      permitEndedAt({
        ...base,
        cancelledAt: new Date('2026-03-02T09:00:00Z'),
        closedAt: new Date('2026-03-02T11:00:00Z'),
      }).toISOString(),
    ).toBe('2026-03-02T09:00:00.000Z');
  });
});

describe('aclActions (broker hook action formats)', () => {
  it('maps EMQX and mosquitto-go-auth actions', () => {
    expect(aclActions('publish')).toEqual(['publish']);
    expect(aclActions('subscribe')).toEqual(['subscribe']);
    expect(aclActions(2)).toEqual(['publish']);
    expect(aclActions('1')).toEqual(['subscribe']);
    expect(aclActions(4)).toEqual(['subscribe']);
    expect(aclActions(3)).toEqual(['subscribe', 'publish']);
    expect(aclActions('all')).toBeNull();
    expect(aclActions(undefined)).toBeNull();
  });
});
