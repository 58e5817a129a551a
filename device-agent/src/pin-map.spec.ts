// The agent must read the machine the way the simulator (and the real control board) is wired.
import { HARDWARE_WATCHDOG_TIMEOUT_MS } from '@arcgate/protocol';
import { HARDWARE_WATCHDOG_TIMEOUT_MS as SIM_WATCHDOG_MS } from '../../firmware-sim/src/machine/physics';
import { ADC_MAX, ANALOG_CHANNELS, PINS, SCALES } from '../../firmware-sim/src/machine/pin-map';
import { ADC_FULL_SCALE, AGENT_ANALOG, AGENT_PINS, countsTo, SENSOR_SCALES } from './pin-map';

describe('pin map', () => {
  it('matches the firmware simulator', () => {
    expect(AGENT_PINS).toEqual(PINS);
    expect(AGENT_ANALOG).toEqual({
      current: `A${ANALOG_CHANNELS.current}`,
      voltage: `A${ANALOG_CHANNELS.voltage}`,
      lel: `A${ANALOG_CHANNELS.lel}`,
    });
    expect(SENSOR_SCALES).toEqual(SCALES);
    expect(ADC_FULL_SCALE).toBe(ADC_MAX);
    expect(SIM_WATCHDOG_MS).toBe(HARDWARE_WATCHDOG_TIMEOUT_MS);
  });

  it('converts ADC counts to engineering units', () => {
    expect(countsTo(1023, 500)).toBe(500);
    expect(countsTo(0, 100)).toBe(0);
    expect(countsTo(2000, 100)).toBe(100);
  });
});
