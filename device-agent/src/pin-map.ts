/**
 * How the agent finds the machine's I/O on the control board (an Uno-like Firmata board; the
 * simulator in firmware-sim/src/machine/pin-map.ts is wired the same way, a unit test keeps the two
 * in step). HIGH on D7 closes the contactor / opens the fuel-gas valve; LOW (and power-up) opens it.
 */
export const AGENT_PINS = {
  /** Torch trigger (gas sets: torch valve lever), HIGH = pressed. */
  trigger: 2,
  /** Enclosure tamper switch, HIGH = enclosure open. */
  enclosure: 3,
  /** Relay auxiliary contact (contactor mirror contact / valve position switch), HIGH = contacts closed. */
  relayFeedback: 4,
  /**
   * Hardware watchdog heartbeat: every level change is a kick. A retriggerable monostable (charge
   * pump) on D5 powers the relay driver; no kick for HARDWARE_WATCHDOG_TIMEOUT_MS drops the coil
   * whatever D7 says. Kicked only from the agent's main loop while everything is healthy.
   */
  heartbeat: 5,
  relay: 7,
  buzzer: 8,
  statusLed: 13,
} as const;

/** johnny-five analog pin names. */
export const AGENT_ANALOG = {
  /** Arc current 0..500 A (gas sets: fuel flow 0..20 L/min). */
  current: 'A0',
  /** Arc voltage 0..100 V. */
  voltage: 'A1',
  /** Combustible gas 0..100 %LEL. */
  lel: 'A2',
} as const;

export const ADC_FULL_SCALE = 1023;

export const SENSOR_SCALES = {
  currentA: 500,
  gasFlowLpm: 20,
  voltageV: 100,
  lelPercent: 100,
} as const;

export const countsTo = (counts: number, fullScale: number): number =>
  (Math.max(0, Math.min(ADC_FULL_SCALE, counts)) / ADC_FULL_SCALE) * fullScale;

/** Gas sets: fuel flow at or above this (L/min) means a flame can burn (the valve or a bypass is open). */
export const GAS_FLOW_THRESHOLD_LPM = 0.5;
