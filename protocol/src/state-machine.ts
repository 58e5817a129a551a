/**
 * The device state machine as data: the agent executes this table and docs/protocol.md renders it.
 * Fail-closed rule: the relay (contactor or fuel-gas valve) is closed only in RELAY_CLOSED_STATES;
 * it is open at boot, and every state reached by a safety trigger keeps it open.
 * `offline` is a flag beside the state, not a state: it blocks new arm requests but a still-valid
 * signed grant is honoured until it expires.
 */

export const DEVICE_STATES = ['locked', 'authorizing', 'armed', 'arcing', 'fault', 'tamper'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const INITIAL_STATE: DeviceState = 'locked';
export const RELAY_CLOSED_STATES: readonly DeviceState[] = ['armed', 'arcing'];

export const TRIGGERS = [
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
export type Trigger = (typeof TRIGGERS)[number];

export interface Transition {
  from: readonly DeviceState[];
  trigger: Trigger;
  to: DeviceState;
  /** 'online': only while connected to the broker. */
  guard?: 'online';
  why: string;
}

const ALL = DEVICE_STATES;

/** Rows are checked in order; the first row whose `from` holds the current state wins. */
export const TRANSITIONS: readonly Transition[] = [
  {
    from: ['locked'],
    trigger: 'arm_requested',
    to: 'authorizing',
    guard: 'online',
    why: 'welder code scanned or phone push accepted; arm.request sent with a fresh nonce',
  },
  {
    from: ['authorizing'],
    trigger: 'grant_verified',
    to: 'armed',
    why: 'arm.grant passed verifyGrant (signature, chip, nonce, validity); relay closes',
  },
  {
    from: ['authorizing'],
    trigger: 'grant_rejected',
    to: 'locked',
    why: 'a grant failed verification; the attempt ends and security.rejected is reported',
  },
  { from: ['authorizing'], trigger: 'arm_denied', to: 'locked', why: 'arm.denied received; its message is shown' },
  { from: ['authorizing'], trigger: 'arm_timeout', to: 'locked', why: 'no answer after the retries' },
  { from: ['authorizing'], trigger: 'connection_lost', to: 'locked', why: 'no grant can arrive while offline' },
  { from: ['armed'], trigger: 'arc_detected', to: 'arcing', why: 'welding current above the threshold' },
  { from: ['arcing'], trigger: 'arc_ended', to: 'armed', why: 'current below the threshold; arc.stop reported' },
  { from: ['armed', 'arcing'], trigger: 'session_ended', to: 'locked', why: 'welder ends the session on the device' },
  {
    from: ['armed', 'arcing'],
    trigger: 'grant_expired',
    to: 'locked',
    why: 'expiresAt reached, even mid-arc and even offline',
  },
  {
    from: ['authorizing', 'armed', 'arcing'],
    trigger: 'grant_revoked',
    to: 'locked',
    why: 'a verified grant.revoke for this chip',
  },
  {
    from: ['locked', 'authorizing', 'armed', 'arcing'],
    trigger: 'gas_over_limit',
    to: 'fault',
    why: 'gas reading at or above the limit',
  },
  {
    from: ['armed', 'arcing'],
    trigger: 'over_current',
    to: 'locked',
    why: "arc current above the grant's maxCurrentA (+10 %) for 1 s; a new authorization is needed",
  },
  {
    from: ALL,
    trigger: 'watchdog_timeout',
    to: 'fault',
    why: 'the hardware watchdog opened the relay; the agent restarts into locked',
  },
  { from: ALL, trigger: 'internal_error', to: 'fault', why: 'sensor, journal or relay feedback failure' },
  {
    from: ['fault'],
    trigger: 'fault_cleared',
    to: 'locked',
    why: 'gas below the limit and self-test passes; a new authorization is needed',
  },
  { from: ALL, trigger: 'tamper_detected', to: 'tamper', why: 'enclosure switch opened' },
  {
    from: ['locked', 'authorizing', 'fault'],
    trigger: 'current_without_relay',
    to: 'tamper',
    why: 'welding current while the relay is open: bypass suspected',
  },
  {
    from: ['tamper'],
    trigger: 'tamper_cleared',
    to: 'locked',
    why: 'enclosure closed and no current; a new authorization is needed',
  },
  {
    from: ALL,
    trigger: 'agent_stopped',
    to: 'locked',
    why: 'graceful stop (SIGTERM): relay, power and any arc are journaled as they end',
  },
  {
    from: ALL,
    trigger: 'board_lost',
    to: 'fault',
    why: "serial port closed or errored, or no analog report for 1 s: the heartbeat stopped, so the board's hardware watchdog cuts power",
  },
  {
    from: ['fault'],
    trigger: 'board_recovered',
    to: 'locked',
    why: 'port reopened and reports flowing again (clears only a fault caused by the board); a new authorization is needed',
  },
  {
    from: ['locked'],
    trigger: 'agent_restarted',
    to: 'locked',
    why: 'boot after a crash that left the relay closed: the opening done at start-up is journaled',
  },
];

/**
 * Triggers after which the relay is open whatever the state was. (current_without_relay is not
 * listed: it can only be observed while the relay is already open.)
 */
export const FAIL_CLOSED_TRIGGERS: readonly Trigger[] = [
  'grant_expired',
  'grant_revoked',
  'gas_over_limit',
  'over_current',
  'watchdog_timeout',
  'internal_error',
  'tamper_detected',
  'session_ended',
  'agent_stopped',
  'board_lost',
];

export const relayClosedIn = (state: DeviceState): boolean => RELAY_CLOSED_STATES.includes(state);

export interface StepResult {
  state: DeviceState;
  relayClosed: boolean;
  /** false when no row applies: the trigger is ignored and the state kept. */
  applied: boolean;
  transition?: Transition;
}

/** Pure transition function. Unlisted (state, trigger) pairs keep the state, which never closes the relay. */
export function nextState(state: DeviceState, trigger: Trigger, ctx: { offline: boolean }): StepResult {
  const row = TRANSITIONS.find((t) => t.trigger === trigger && t.from.includes(state));
  if (!row || (row.guard === 'online' && ctx.offline))
    return { state, relayClosed: relayClosedIn(state), applied: false };
  return { state: row.to, relayClosed: relayClosedIn(row.to), applied: true, transition: row };
}
