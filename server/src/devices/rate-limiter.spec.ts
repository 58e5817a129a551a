import { FakeClock } from '../common/clock/clock';
import { DEVICE_RATE_LIMITS, DeviceRateLimiter } from './rate-limiter';

describe('DeviceRateLimiter: token buckets per chip and class', () => {
  it('lets a burst through, then refuses with the seconds until the next token, and refills with time', () => {
    const clock = new FakeClock();
    const l = new DeviceRateLimiter(clock);
    const { capacity, perSecond } = DEVICE_RATE_LIMITS.arm;
    for (let i = 0; i < capacity; i++) expect(l.take('C1', 'arm')).toEqual({ ok: true });
    expect(l.take('C1', 'arm')).toEqual({ ok: false, retryAfterS: Math.ceil(1 / perSecond) });
    // Another chip and another class are untouched.
    expect(l.take('C2', 'arm').ok).toBe(true);
    expect(l.take('C1', 'other').ok).toBe(true);
    clock.advance(1000 / perSecond);
    expect(l.take('C1', 'arm').ok).toBe(true);
    expect(l.take('C1', 'arm').ok).toBe(false);
  });

  it('a clock stepping back adds no tokens', () => {
    const clock = new FakeClock();
    const l = new DeviceRateLimiter(clock);
    l.limits = { arm: { capacity: 1, perSecond: 1 }, other: { capacity: 1, perSecond: 1 } };
    expect(l.take('C', 'arm').ok).toBe(true);
    clock.advance(-60_000);
    expect(l.take('C', 'arm').ok).toBe(false);
    clock.advance(60_000 + 1000);
    expect(l.take('C', 'arm').ok).toBe(true);
  });

  it('takes wider limits from the app config, and refills by real time by default (not the app clock)', () => {
    const l = new DeviceRateLimiter(undefined, { deviceRateLimits: { arm: { capacity: 2, perSecond: 1 } } } as never);
    expect(l.limits.arm).toEqual({ capacity: 2, perSecond: 1 });
    expect(l.limits.other).toEqual(DEVICE_RATE_LIMITS.other);
    expect([l.take('C', 'arm').ok, l.take('C', 'arm').ok, l.take('C', 'arm').ok]).toEqual([true, true, false]);
  });
});
