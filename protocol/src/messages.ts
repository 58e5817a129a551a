import type { DeviceState, Trigger } from './state-machine';
import type { ReasonCode } from './reason-codes';

/** Message types. The MQTT topic's last level equals the envelope's `type`. */
export const UP_MESSAGE_TYPES = ['arm.request', 'events', 'cert.renew'] as const;
export const DOWN_MESSAGE_TYPES = [
  'arm.grant',
  'arm.denied',
  'grant.revoke',
  'events.ack',
  'grant.push',
  'config',
  'cert.issued',
  'cert.denied',
] as const;
export type UpMessageType = (typeof UP_MESSAGE_TYPES)[number];
export type DownMessageType = (typeof DOWN_MESSAGE_TYPES)[number];
export type MessageType = 'status' | UpMessageType | DownMessageType;

export const MACHINE_KINDS = ['electric_arc', 'resistance', 'gas'] as const;
/** Same values as the server's MachineKind. Electric machines switch a contactor, gas sets a fuel-gas solenoid valve. */
export type MachineKind = (typeof MACHINE_KINDS)[number];
export type Interlock = 'contactor' | 'gas_valve';
export const interlockFor = (kind: MachineKind): Interlock => (kind === 'gas' ? 'gas_valve' : 'contactor');

/** Bilingual human-readable text; the reason code is what software acts on. */
export interface LocalizedText {
  'zh-CN': string;
  en: string;
}

/** GNSS position in WGS-84 (not GCJ-02), as the receiver reports it. */
export interface Position {
  lat: number;
  lng: number;
  accuracyM: number;
  /** ISO instant of the fix. */
  fixAt: string;
}

/**
 * Every signed message. `sig` is base64url Ed25519 over canonicalJson(envelope without `sig`).
 * Device→server: `seq` is required (message counter, per chip, from 1, never reused).
 * Server→device: `seq` may be omitted; `chip` is the addressee.
 */
export interface Envelope<T extends MessageType = MessageType, B = unknown> {
  v: 1;
  type: T;
  /** Message id, 16–64 base64url characters; also the correlation id of a request. */
  id: string;
  chip: string;
  seq?: number;
  /** ISO instant (UTC, `Z`) of the sender's clock. */
  ts: string;
  body: B;
  sig: string;
}

export type UnsignedEnvelope<E extends Envelope = Envelope> = Omit<E, 'sig'>;
type DeviceEnvelope<T extends MessageType, B> = Envelope<T, B> & { seq: number };

// ---- status (retained) ----------------------------------------------------------------------

/** Health problems that keep a device from arming (or made it cut power), reported in its status. */
export const DEVICE_FAULTS = ['journal_unwritable', 'board_lost', 'relay_fault'] as const;
export type DeviceFault = (typeof DEVICE_FAULTS)[number];

export interface OnlineStatusBody {
  online: true;
  state: DeviceState;
  machineKind: MachineKind;
  /** Firmware / agent version, free text. */
  firmware: string;
  protocol: 1;
  /** Unique, at most 3; published on every change of the set. Absent or empty: healthy. */
  faults?: DeviceFault[];
}
export type OnlineStatusMessage = DeviceEnvelope<'status', OnlineStatusBody>;

/** Last will and graceful disconnect. Unsigned (it is fixed at connect time), so it only ever means "offline". */
export interface OfflineStatusMessage {
  v: 1;
  type: 'status';
  chip: string;
  body: { online: false; reason: 'will' | 'shutdown' };
}
export type StatusMessage = OnlineStatusMessage | OfflineStatusMessage;

// ---- arm request / answers ------------------------------------------------------------------

export type Credential = { kind: 'welder_code'; code: string } | { kind: 'phone_session'; sessionId: string };

export interface ArmRequestBody {
  /** Fresh random 16+ bytes, base64url; echoed in the grant. */
  nonce: string;
  credential: Credential;
  /** Omitted: the server uses the only permit that names this welder and machine, or denies PERMIT_REQUIRED. */
  permitId?: string;
  /** null when there is no fix (the server may deny POSITION_REQUIRED). */
  position: Position | null;
  machineKind: MachineKind;
}
export type ArmRequestMessage = DeviceEnvelope<'arm.request', ArmRequestBody>;

export interface ArmGrantBody {
  grantId: string;
  /** id of the arm.request envelope. */
  requestId: string;
  chip: string;
  machineId: string;
  welderId: string;
  permitId: string;
  /** Echo of the request's nonce. */
  nonce: string;
  issuedAt: string;
  notBefore: string;
  /** Never later than the permit's end, never more than GRANT_MAX_LIFETIME_MS after issuedAt. */
  expiresAt: string;
  /** Masked welder name for the device display, e.g. "张*". */
  welderName?: string;
  maxCurrentA?: number;
  gasLimitPercentLel?: number;
}
export type ArmGrantMessage = Envelope<'arm.grant', ArmGrantBody>;

export interface ArmDeniedBody {
  requestId: string;
  reason: ReasonCode;
  message: LocalizedText;
  /** Present exactly for the codes that wait for the server (REASONS[…].waitForServer; docs §6.4). */
  retryAfterS?: number;
}
export type ArmDeniedMessage = Envelope<'arm.denied', ArmDeniedBody>;

export interface GrantRevokeBody {
  /** Omitted: revokes whatever grant the device holds. */
  grantId?: string;
  reason: ReasonCode;
  message: LocalizedText;
}
export type GrantRevokeMessage = Envelope<'grant.revoke', GrantRevokeBody>;

/** Phone flow: a logged-in welder scanned the machine's code and picked a permit. */
export interface GrantPushBody {
  sessionId: string;
  welderId: string;
  welderName: string;
  permitId: string;
  /** The device must send its arm.request (credential phone_session) before this instant. */
  expiresAt: string;
}
export type GrantPushMessage = Envelope<'grant.push', GrantPushBody>;

export interface ConfigBody {
  heartbeatIntervalS?: number;
  gasLimitPercentLel?: number;
  arcCurrentThresholdA?: number;
  sampleRateHz?: number;
}
export type ConfigMessage = Envelope<'config', ConfigBody>;

// ---- device certificate renewal (mutual TLS, §3.4) ------------------------------------------

/** The device asks for a new certificate for its own key before the one it connects with expires. */
export interface CertRenewBody {
  /** Serial (lower-case hex) of the certificate the device holds now. */
  serial: string;
  /** The chip's public key (base64url, raw 32 bytes): the key the new certificate must certify. */
  publicKey: string;
}
export type CertRenewMessage = DeviceEnvelope<'cert.renew', CertRenewBody>;

export interface CertIssuedBody {
  /** id of the cert.renew envelope. */
  requestId: string;
  /** Serial of the new certificate (lower-case hex). */
  serial: string;
  /** Serial of the certificate it supersedes (the one named in the request). */
  supersedes: string;
  notBefore: string;
  notAfter: string;
  /** The new X.509 certificate, PEM: same key, same CN (chip id), same CA. */
  certificatePem: string;
}
export type CertIssuedMessage = Envelope<'cert.issued', CertIssuedBody>;

export interface CertDeniedBody {
  requestId: string;
  reason: ReasonCode;
  message: LocalizedText;
  /** Present exactly for the codes that wait for the server (RATE_LIMITED, SERVER_ERROR, REQUEST_EXPIRED). */
  retryAfterS?: number;
}
export type CertDeniedMessage = Envelope<'cert.denied', CertDeniedBody>;

// ---- events ---------------------------------------------------------------------------------

export interface SampleStats {
  min: number;
  max: number;
  mean: number;
  p95: number;
}

interface EventBase<T extends string> {
  /** Event counter, per chip, from 1, contiguous, never reused (separate from the envelope seq). */
  seq: number;
  type: T;
  /** ISO instant the event happened (device clock). */
  at: string;
}

export type BootReason = 'power_on' | 'watchdog' | 'crash' | 'update';
export const SAFETY_CUT_REASONS = [
  'grant_expired',
  'grant_revoked',
  'gas_over_limit',
  'over_current',
  'tamper',
  'watchdog',
  'fault',
  'agent_stopped',
  'agent_crashed',
  'board_lost',
] as const;
export type SafetyCutReason = (typeof SAFETY_CUT_REASONS)[number];
/** Why an arc ended without its current falling: the agent stopped, crashed, or lost the board. */
export const ARC_INTERRUPTIONS = ['agent_stopped', 'agent_crashed', 'board_lost'] as const;
export type ArcInterruption = (typeof ARC_INTERRUPTIONS)[number];
export const BOARD_LINK_CAUSES = ['port_closed', 'port_error', 'reports_silent'] as const;
export type BoardLinkCause = (typeof BOARD_LINK_CAUSES)[number];
export type RejectedMessageReason =
  | 'bad_signature'
  | 'wrong_chip'
  | 'nonce_mismatch'
  | 'request_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'lifetime_too_long'
  | 'malformed'
  | 'wrong_type';

export type ArcStartEvent = EventBase<'arc.start'> & { grantId?: string };
export type ArcStopEvent = EventBase<'arc.stop'> & {
  grantId?: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Present unless the arc was interrupted and its statistics died with the process (then samples is 0). */
  current?: SampleStats;
  voltage?: SampleStats;
  samples: number;
  sampleRateHz: number;
  /**
   * The arc was cut off by the agent stopping, crashing or losing the board rather than ended by the
   * current: the stats are those gathered so far. For agent_crashed, endedAt is an upper bound.
   */
  interrupted?: ArcInterruption;
};
export type HeartbeatEvent = EventBase<'heartbeat'> & {
  position: Position | null;
  relayClosed: boolean;
  state: DeviceState;
};
export type GasReadingEvent = EventBase<'gas.reading'> & { percentLel: number; limitPercentLel: number };
export type TamperEvent = EventBase<'tamper'> & { switch: 'enclosure' | 'bypass_suspected'; open: boolean };
export type ArcUnauthorizedEvent = EventBase<'arc.unauthorized'> & { currentA: number; relayClosed: false };
export type RelayChangeEvent = EventBase<'relay.change'> & { closed: boolean; trigger: Trigger; grantId?: string };
export type PowerCutEvent = EventBase<'power.cut'> & {
  reason: SafetyCutReason;
  grantId?: string;
  /** over_current only: the lowest current (A) of the hold period that tripped it, and the grant's maxCurrentA. */
  currentA?: number;
  limitA?: number;
  /** The cut was (or is expected to have been) done by the board's hardware watchdog, not an agent command. */
  by?: 'hardware_watchdog';
};
export type StateChangeEvent = EventBase<'state.change'> & { from: DeviceState; to: DeviceState; trigger: Trigger };
export type BootEvent = EventBase<'boot'> & { reason: BootReason; firmware: string };
export type SecurityRejectedEvent = EventBase<'security.rejected'> & {
  messageType: string;
  messageId?: string;
  reason: RejectedMessageReason;
};
export type JournalLostEvent = EventBase<'journal.lost'> & { fromSeq: number; toSeq: number };
/** The relay's auxiliary contact disagreed with the command (closed = contacts closed / valve open). */
export type RelayFaultEvent = EventBase<'relay.fault'> & { commanded: boolean; feedback: boolean };
/**
 * The serial link to the board went down or came back. Down: the agent can no longer command or
 * observe the relay; its heartbeat stopped, so the board's hardware watchdog has cut power within
 * HARDWARE_WATCHDOG_TIMEOUT_MS. Not a relay.change (nobody saw the relay move).
 */
export type BoardLinkEvent = EventBase<'board.link'> &
  ({ up: true; cause?: undefined } | { up: false; cause: BoardLinkCause });

export type DeviceEvent =
  | ArcStartEvent
  | ArcStopEvent
  | HeartbeatEvent
  | GasReadingEvent
  | TamperEvent
  | ArcUnauthorizedEvent
  | RelayChangeEvent
  | PowerCutEvent
  | StateChangeEvent
  | BootEvent
  | SecurityRejectedEvent
  | JournalLostEvent
  | RelayFaultEvent
  | BoardLinkEvent;
export type DeviceEventType = DeviceEvent['type'];
export const DEVICE_EVENT_TYPES = [
  'arc.start',
  'arc.stop',
  'heartbeat',
  'gas.reading',
  'tamper',
  'arc.unauthorized',
  'relay.change',
  'power.cut',
  'state.change',
  'boot',
  'security.rejected',
  'journal.lost',
  'relay.fault',
  'board.link',
] as const satisfies readonly DeviceEventType[];

export interface EventBatchBody {
  events: DeviceEvent[];
}
export type EventBatchMessage = DeviceEnvelope<'events', EventBatchBody>;

export interface EventsAckBody {
  /** id of the events envelope this answers. */
  requestId: string;
  /** Every event with seq ≤ upToSeq is stored; the device may delete them from its journal. */
  upToSeq: number;
  /** Seqs above upToSeq the server has not received while it holds later ones; re-send these first. */
  missing?: number[];
  /**
   * Negative acknowledgement: seqs of events in the answered batch that failed the body rules. The
   * server kept the raw message for audit, never stores these events and counts their seqs as
   * accounted for; the device must stop sending them (it keeps them aside for inspection).
   */
  rejected?: number[];
}
export type EventsAckMessage = Envelope<'events.ack', EventsAckBody>;

// ---- unions ---------------------------------------------------------------------------------

export type UpMessage = ArmRequestMessage | EventBatchMessage | CertRenewMessage;
export type DownMessage =
  | ArmGrantMessage
  | ArmDeniedMessage
  | GrantRevokeMessage
  | EventsAckMessage
  | GrantPushMessage
  | ConfigMessage
  | CertIssuedMessage
  | CertDeniedMessage;
export type SignedMessage = OnlineStatusMessage | UpMessage | DownMessage;
export type AnyMessage = StatusMessage | UpMessage | DownMessage;

export interface MessageByType {
  status: StatusMessage;
  'arm.request': ArmRequestMessage;
  events: EventBatchMessage;
  'arm.grant': ArmGrantMessage;
  'arm.denied': ArmDeniedMessage;
  'grant.revoke': GrantRevokeMessage;
  'events.ack': EventsAckMessage;
  'grant.push': GrantPushMessage;
  config: ConfigMessage;
  'cert.renew': CertRenewMessage;
  'cert.issued': CertIssuedMessage;
  'cert.denied': CertDeniedMessage;
}
