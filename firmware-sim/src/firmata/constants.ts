// Firmata 2.6 wire constants (https://github.com/firmata/protocol/blob/master/protocol.md).

/** Channel commands: the low nibble carries a port or channel number. */
export const DIGITAL_MESSAGE = 0x90;
export const ANALOG_MESSAGE = 0xe0;
export const REPORT_ANALOG = 0xc0;
export const REPORT_DIGITAL = 0xd0;

export const START_SYSEX = 0xf0;
export const SET_PIN_MODE = 0xf4;
export const SET_DIGITAL_PIN_VALUE = 0xf5;
export const END_SYSEX = 0xf7;
export const REPORT_VERSION = 0xf9;
export const SYSTEM_RESET = 0xff;

/** Sysex sub-commands. */
export const SYSEX = {
  EXTENDED_ANALOG: 0x6f,
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  PIN_STATE_QUERY: 0x6d,
  PIN_STATE_RESPONSE: 0x6e,
  STRING_DATA: 0x71,
  QUERY_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

export const PIN_MODE = {
  INPUT: 0x00,
  OUTPUT: 0x01,
  ANALOG: 0x02,
  PWM: 0x03,
  SERVO: 0x04,
  PULLUP: 0x0b,
  /** Pins the firmware keeps for itself (the serial link on D0/D1). */
  IGNORE: 0x7f,
} as const;
export type PinMode = number;

/** The Firmata protocol version this board speaks (REPORT_VERSION answer). */
export const PROTOCOL_VERSION = { major: 2, minor: 6 } as const;

/** Marks "no analog channel" in ANALOG_MAPPING_RESPONSE and ends a pin in CAPABILITY_RESPONSE. */
export const NO_CHANNEL = 0x7f;

export const DEFAULT_SAMPLING_INTERVAL_MS = 19;
