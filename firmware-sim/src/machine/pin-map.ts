// How the simulated control board is wired. It is laid out like an Arduino Uno (D0–D13, A0–A5 =
// pins 14–19) so johnny-five pin names ("A0", 7) mean what they mean on a real board.
//
//   pin  dir  wired to                                      level
//   D2   in   torch trigger (gas: torch valve lever)         HIGH = pressed
//   D3   in   enclosure tamper switch                        HIGH = enclosure open
//   D4   in   relay auxiliary contact (contactor mirror      HIGH = contacts closed / valve open
//            contact / valve position switch)
//   D5   out  hardware watchdog heartbeat ("kick"): a       every level CHANGE is a kick
//            retriggerable monostable / charge pump that
//            powers the relay driver; no kick for 500 ms
//            drops the coil whatever D7 says
//   D7   out  main contactor relay (electric) /              HIGH = closed / valve open (needs D5 kicks)
//            fuel-gas solenoid valve (gas sets)             (fail-safe: LOW, reset and power-up open it)
//   D8   out  buzzer                                        HIGH (or PWM > 0) = sounding
//   D13  out  status LED                                    HIGH = lit
//   A0   an   arc current sensor, 0..500 A over 0..1023     (gas sets: fuel-gas flow, 0..20 L/min)
//   A1   an   arc voltage sensor, 0..100 V over 0..1023      (gas sets: reads 0)
//   A2   an   combustible-gas (LEL) sensor, 0..100 %LEL over 0..1023
//
// On resistance (spot) welders A0 is a current transformer on the primary side and A1 the
// electrode voltage; the scales are the same so one agent configuration fits every kind.
import { PIN_MODE } from '../firmata/constants';
import { BoardLayout, PinDefinition } from '../firmata/board';
import { ModeCapability } from '../firmata/messages';

export const PINS = {
  trigger: 2,
  enclosure: 3,
  relayFeedback: 4,
  heartbeat: 5,
  relay: 7,
  buzzer: 8,
  statusLed: 13,
} as const;

/** Analog channels (johnny-five "A0".."A2"). */
export const ANALOG_CHANNELS = {
  current: 0,
  voltage: 1,
  lel: 2,
} as const;

export const ADC_MAX = 1023;

/** Full-scale value of each analog sensor, in its unit. */
export const SCALES = {
  currentA: 500,
  gasFlowLpm: 20,
  voltageV: 100,
  lelPercent: 100,
} as const;

/** Engineering value → ADC counts, clamped to the converter's range. */
export function toCounts(value: number, fullScale: number): number {
  return Math.min(ADC_MAX, Math.max(0, Math.round((value / fullScale) * ADC_MAX)));
}

/** ADC counts → engineering value (what the agent does with a johnny-five Sensor reading). */
export function fromCounts(counts: number, fullScale: number): number {
  return (counts / ADC_MAX) * fullScale;
}

const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);

function digitalPin(pin: number): PinDefinition {
  const modes: ModeCapability[] = [
    { mode: PIN_MODE.INPUT, resolution: 1 },
    { mode: PIN_MODE.OUTPUT, resolution: 1 },
    { mode: PIN_MODE.PULLUP, resolution: 1 },
  ];
  if (PWM_PINS.has(pin)) modes.push({ mode: PIN_MODE.PWM, resolution: 8 });
  return { modes, analogChannel: null };
}

function analogPin(channel: number): PinDefinition {
  return {
    modes: [
      { mode: PIN_MODE.INPUT, resolution: 1 },
      { mode: PIN_MODE.OUTPUT, resolution: 1 },
      { mode: PIN_MODE.ANALOG, resolution: 10 },
      { mode: PIN_MODE.PULLUP, resolution: 1 },
    ],
    analogChannel: channel,
  };
}

/** D0/D1 carry the serial link itself, so (as on an Uno) they offer no modes. */
export const CONTROL_BOARD_LAYOUT: BoardLayout = {
  pins: [
    { modes: [], analogChannel: null },
    { modes: [], analogChannel: null },
    ...Array.from({ length: 12 }, (_, i) => digitalPin(i + 2)),
    ...Array.from({ length: 6 }, (_, ch) => analogPin(ch)),
  ],
};
