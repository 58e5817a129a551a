import type {
  ArcStopEvent,
  BoardLinkCause,
  ArmDeniedMessage,
  ArmGrantMessage,
  ConfigMessage,
  Credential,
  DeviceEvent,
  DeviceState,
  GrantPushMessage,
  GrantRevokeMessage,
  LocalizedText,
  MachineKind,
  Position,
  PublicKeyInput,
  RejectedMessageReason,
} from '@arcgate/protocol';
import {
  DEFAULT_ARC_CURRENT_THRESHOLD_A,
  DEFAULT_GAS_LIMIT_PERCENT_LEL,
  HEARTBEAT_INTERVAL_S,
  INITIAL_STATE,
  MIN_SAMPLE_RATE_HZ,
} from '@arcgate/protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as the state machine produces it; the journal assigns `seq` when it writes it. */
export type EventDraft = DistributiveOmit<DeviceEvent, 'seq'>;

export type LedPattern = 'off' | 'on' | 'blink_slow' | 'blink_fast';

/** What the server may change with a `config` message (persisted by the agent). */
export interface Settings {
  gasLimitPercentLel: number;
  heartbeatIntervalS: number;
  arcCurrentThresholdA: number;
  sampleRateHz: number;
  /** ts of the last applied config; older configs are ignored. */
  configTs: string | null;
}

export const defaultSettings = (gasLimitPercentLel = DEFAULT_GAS_LIMIT_PERCENT_LEL): Settings => ({
  gasLimitPercentLel,
  heartbeatIntervalS: HEARTBEAT_INTERVAL_S,
  arcCurrentThresholdA: DEFAULT_ARC_CURRENT_THRESHOLD_A,
  sampleRateHz: MIN_SAMPLE_RATE_HZ,
  configTs: null,
});

/** Fixed for the life of the process. */
export interface MachineOptions {
  chip: string;
  /** null: not provisioned, so nothing can be verified and the device stays locked (§2.3). */
  serverPublicKey: PublicKeyInput | null;
  machineKind: MachineKind;
  /** Check the relay's auxiliary contact against the command (absent: no contact wired, no check). */
  relayFeedback?: boolean;
}

/** Ids the agent draws for an input that may start an arm request (keeps the reducer free of randomness). */
export interface FreshIds {
  requestId: string;
  nonce: string;
}

export interface PendingRequest extends FreshIds {
  startedAtMs: number;
  credential: Credential;
  permitId?: string;
}

export interface PendingPush {
  sessionId: string;
  permitId: string;
  welderName: string;
  /** Local confirmation deadline: min(push expiresAt, received + 60 s). */
  confirmByMs: number;
}

/** board / journal faults clear by themselves once the board reports again / the journal is writable again. */
export type FaultCause = 'gas' | 'watchdog' | 'internal' | 'board' | 'journal';

/** The board link as the reducer knows it: up, lost, or re-opened but not reporting yet. */
export type BoardLink = 'up' | 'lost' | 'reopened';

/** What live.json said after a crash: the relay the crash left closed, and the arc it cut off. */
export interface LiveRecord {
  state: DeviceState;
  relayClosed: boolean;
  grantId?: string;
  arcStartedAt?: string;
  /** Last liveness mark (the file's mtime): the watchdog cut power within HARDWARE_WATCHDOG_TIMEOUT_MS of it. */
  aliveAtMs: number;
}

export interface AgentModel {
  state: DeviceState;
  relayClosed: boolean;
  /** No broker connection: a flag beside the state (§10). */
  offline: boolean;
  pending: PendingRequest | null;
  grant: ArmGrantMessage | null;
  push: PendingPush | null;
  faultCause: FaultCause | null;
  faultAtMs: number | null;
  gas: { percentLel: number | null; above: boolean; belowSinceMs: number | null; lastJournaledAtMs: number | null };
  enclosureOpen: boolean;
  bypassActive: boolean;
  /** An arc.start was journaled and its arc.stop is still due; the grant it ran under. */
  arc: { grantId?: string; startedAtMs: number } | null;
  board: BoardLink;
  /** The journal can be written (no arm request otherwise); since when, for clearing a journal fault. */
  journal: { ok: boolean; okSinceMs: number | null };
  lastHeartbeatAtMs: number | null;
  settings: Settings;
  /** When the relay was last commanded to move. */
  relayChangedAtMs: number;
  /** The auxiliary contact as last reported (none yet counts as open: a dead input fails closed). */
  feedback: { closed: boolean; changedAtMs: number; reported: boolean };
}

export function initialModel(settings: Settings = defaultSettings()): AgentModel {
  return {
    state: INITIAL_STATE,
    relayClosed: false,
    offline: true,
    pending: null,
    grant: null,
    push: null,
    faultCause: null,
    faultAtMs: null,
    gas: { percentLel: null, above: false, belowSinceMs: null, lastJournaledAtMs: null },
    enclosureOpen: false,
    bypassActive: false,
    arc: null,
    board: 'up',
    journal: { ok: true, okSinceMs: null },
    lastHeartbeatAtMs: null,
    settings,
    relayChangedAtMs: 0,
    feedback: { closed: false, changedAtMs: 0, reported: false },
  };
}

/** What the sampler hands over when an arc ends: the statistics part of the protocol's arc.stop event. */
export type ArcSummary = Pick<
  ArcStopEvent,
  'startedAt' | 'endedAt' | 'durationMs' | 'current' | 'voltage' | 'samples' | 'sampleRateHz'
>;

/** Everything that can happen to the device. `now` is epoch ms of the agent's clock. */
export type Input = { now: number } & (
  | { type: 'badge'; code: string; fresh: FreshIds }
  | { type: 'trigger'; pressed: boolean; fresh: FreshIds }
  | { type: 'grant_push'; message: GrantPushMessage }
  | { type: 'grant'; envelope: unknown }
  | { type: 'denied'; message: ArmDeniedMessage }
  | { type: 'arm_timeout'; requestId: string }
  | { type: 'revoke'; message: GrantRevokeMessage }
  | { type: 'server_rejected'; messageType: string; messageId?: string; reason: RejectedMessageReason }
  | { type: 'arc_start'; atMs: number }
  | { type: 'arc_stop'; summary: ArcSummary }
  | { type: 'bypass'; active: boolean; currentA: number }
  | { type: 'over_current'; currentA: number; limitA: number }
  | { type: 'relay_feedback'; closed: boolean }
  | { type: 'enclosure'; open: boolean }
  | { type: 'gas'; percentLel: number }
  | { type: 'tick'; position: Position | null }
  | { type: 'watchdog'; stalledMs: number }
  | { type: 'internal_error'; detail: string }
  | { type: 'network'; up: boolean }
  | { type: 'config'; message: ConfigMessage }
  /** The serial link went down; `arc`: the sampler's statistics of an arc it cut off. */
  | { type: 'board_lost'; cause: BoardLinkCause; arc: ArcSummary | null }
  /** The port re-opened and the Firmata handshake ran (relay driven open by the board). */
  | { type: 'board_up' }
  /** Analog reports flow again after board_up. */
  | { type: 'board_reporting' }
  | { type: 'journal_health'; writable: boolean; detail?: string }
  /** Graceful stop (SIGTERM / stop()). */
  | { type: 'stop'; arc: ArcSummary | null }
  /** Boot after a crash that found live.json with the relay closed. */
  | { type: 'restarted'; live: LiveRecord }
);

/** Side effects for the agent to carry out, in order. */
export type Command =
  | { kind: 'relay'; closed: boolean }
  | { kind: 'led'; pattern: LedPattern }
  | { kind: 'beep'; ms: number }
  | { kind: 'journal'; event: EventDraft }
  | { kind: 'arm_request'; requestId: string; nonce: string; credential: Credential; permitId?: string }
  | { kind: 'publish_status' }
  | { kind: 'display'; text: LocalizedText }
  | { kind: 'save_settings'; settings: Settings }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };

export interface StepResult {
  model: AgentModel;
  commands: Command[];
}
