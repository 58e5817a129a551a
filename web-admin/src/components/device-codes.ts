import { grantViewDtoSourceValues, grantViewDtoStatusValues, reasonCodeValues } from '../api/schema';

type T = (key: string, vars?: Record<string, unknown>) => string;

/**
 * The device state machine's states and triggers, as @arcgate/protocol names them. The console does
 * not depend on the protocol package; device-codes.test.ts reads protocol/src/state-machine.ts and
 * fails when these lists drift from it.
 */
export const DEVICE_STATES = ['locked', 'authorizing', 'armed', 'arcing', 'fault', 'tamper'] as const;
export const DEVICE_TRIGGERS = [
  'arm_requested',
  'grant_verified',
  'grant_rejected',
  'arm_denied',
  'arm_timeout',
  'connection_lost',
  'arc_detected',
  'arc_ended',
  'session_ended',
  'grant_expired',
  'grant_revoked',
  'gas_over_limit',
  'over_current',
  'watchdog_timeout',
  'internal_error',
  'fault_cleared',
  'tamper_detected',
  'current_without_relay',
  'tamper_cleared',
  'agent_stopped',
  'board_lost',
  'board_recovered',
  'agent_restarted',
] as const;
/** Flags the server sets on an arc (telemetry-rules.ts). */
export const ARC_FLAGS = ['after_permit_end', 'no_valid_grant'] as const;

const known = (v: unknown, list: readonly string[]): v is string => typeof v === 'string' && list.includes(v);
const unknown = (t: T) => t('records.value.unknown');

export const deviceStateText = (v: unknown, t: T) => (known(v, DEVICE_STATES) ? t(`deviceState.${v}`) : unknown(t));
export const triggerText = (v: unknown, t: T) => (known(v, DEVICE_TRIGGERS) ? t(`records.trigger.${v}`) : unknown(t));
export const arcFlagText = (v: unknown, t: T) => (known(v, ARC_FLAGS) ? t(`records.arcFlag.${v}`) : unknown(t));
export const grantStatusText = (v: unknown, t: T) =>
  known(v, grantViewDtoStatusValues) ? t(`records.grantStatus.${v}`) : unknown(t);
/** Device or phone: where a decision or grant came from. */
export const grantSourceText = (v: unknown, t: T) =>
  known(v, grantViewDtoSourceValues) ? t(`records.source.${v}`) : unknown(t);
export const reasonCodeText = (v: unknown, t: T) =>
  known(v, reasonCodeValues) ? t(`records.reason.${v}`) : unknown(t);
