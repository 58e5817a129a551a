import { AppConfig } from '../config/app-config';
import { FakeClock } from '../common/clock/clock';
import { ChipsRepository } from './chips.repository';
import { DeviceAlerts } from '../device-core/device-alerts';
import { DevicePresence, PRESENCE_CHECK_MS } from './device-presence';

describe('DevicePresence periodic check', () => {
  it('skips one check when the server clock jumped (nothing marked offline), then checks again', async () => {
    const clock = new FakeClock(new Date('2026-01-05T01:00:00Z'));
    let monotonic = 0;
    const chips = {
      findSilentOnline: jest.fn(async () => []),
      escalateOfflineArmed: jest.fn(async () => []),
    } as unknown as ChipsRepository;
    const presence = new DevicePresence(chips, {} as DeviceAlerts, clock, {} as never, {} as AppConfig);
    presence.monotonicNow = () => monotonic;
    const tick = async (clockMs: number, monotonicMs: number) => {
      clock.advance(clockMs);
      monotonic += monotonicMs;
      return presence.tick();
    };

    expect(await tick(0, 0)).toEqual([]);
    expect(await tick(PRESENCE_CHECK_MS + 5000, PRESENCE_CHECK_MS)).toEqual([]); // a late timer is no jump
    expect(await tick(3_600_000 + PRESENCE_CHECK_MS, PRESENCE_CHECK_MS)).toBeNull(); // +1 h
    expect(await tick(PRESENCE_CHECK_MS, PRESENCE_CHECK_MS)).toEqual([]);
    expect(chips.findSilentOnline).toHaveBeenCalledTimes(3);
  });
});
