/**
 * Protocol constants. Every number a device or the server must agree on lives here so that the
 * agent, the server and docs/protocol.md cannot drift apart.
 */

export const PROTOCOL_VERSION = 1 as const;

/** First topic level(s); deployments sharing one broker use different roots (MQTT_TOPIC_ROOT). */
export const DEFAULT_TOPIC_ROOT = 'arcgate';

/** Shared-subscription group for server replicas (brokers that support `$share`, e.g. EMQX, mosquitto 2). */
export const SERVER_SHARE_GROUP = 'arcgate-server';

/** Largest accepted MQTT payload (UTF-8 bytes of the JSON). Larger messages are rejected as MALFORMED. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** How far a device-protocol message's `ts` (and a grant's start) may be off the receiver's clock (docs §5.5). */
export const CLOCK_SKEW_MS = 120_000;

/**
 * Envelope seqs the server accepts below the highest one seen from a chip (late or reordered
 * deliveries); each seq is still accepted once only (§5.3).
 */
export const SEQ_REPLAY_WINDOW = 256;

/** Per-chip limits (token buckets) on what the server processes; the excess is refused unprocessed (§11). */
export const ARM_REQUEST_RATE_BURST = 30;
export const ARM_REQUEST_RATE_PER_S = 1;
/** status and events together. */
export const DEVICE_MESSAGE_RATE_BURST = 200;
export const DEVICE_MESSAGE_RATE_PER_S = 50;

/** Connect tokens (MQTT password) are accepted within this distance of the broker's clock. */
export const CONNECT_TOKEN_WINDOW_MS = 5 * 60_000;

/** Message ids (also correlation ids) and nonces. */
export const MESSAGE_ID_MIN_LENGTH = 16;
export const MESSAGE_ID_MAX_LENGTH = 64;
export const NONCE_MIN_BYTES = 16;
export const NONCE_MAX_BYTES = 64;

/** arm.denied retryAfterS for SERVER_ERROR and REQUEST_EXPIRED (docs §6.4). */
export const SERVER_RETRY_AFTER_S = 5;

/** Arm request: wait this long for arm.grant / arm.denied, then re-publish the identical envelope. */
export const ARM_REQUEST_TIMEOUT_MS = 3_000;
/** Re-publications after the first attempt; afterwards the device gives up (state locked). */
export const ARM_REQUEST_RETRIES = 2;
/** The server keeps its answer per (chip, request id) this long, so a retry gets the same answer. */
export const ARM_ANSWER_CACHE_MS = 2 * CLOCK_SKEW_MS;

/** A grant never lives longer than this, and never past the permit's end. */
export const GRANT_MAX_LIFETIME_MS = 8 * 3_600_000;

/** Position in an arm request older than this (relative to the request's ts) is stale. */
export const POSITION_MAX_AGE_MS = 5 * 60_000;

/** Heartbeat event period; the server marks a device offline after this many missed heartbeats. */
export const HEARTBEAT_INTERVAL_S = 30;
export const OFFLINE_AFTER_MISSED_HEARTBEATS = 3;
/** MQTT keep-alive the device uses; the broker publishes the last will after 1.5 × keep-alive. */
export const MQTT_KEEPALIVE_S = 30;

/** Reconnect back-off: 1 s doubling to 60 s, each delay varied by ±20 %. */
export const RECONNECT_INITIAL_MS = 1_000;
export const RECONNECT_MAX_MS = 60_000;
export const RECONNECT_JITTER = 0.2;

/** Event batches: close a batch at 100 events or 250 ms after its first event, whichever first. */
export const EVENT_BATCH_MAX_EVENTS = 100;
export const EVENT_BATCH_MAX_DELAY_MS = 250;
/** Bytes reserved for the envelope around the events when sizing a batch under MAX_MESSAGE_BYTES. */
export const EVENT_BATCH_ENVELOPE_RESERVE_BYTES = 1_024;
/** No events.ack within this time: re-send every un-acknowledged event (same event seqs). */
export const EVENTS_ACK_TIMEOUT_MS = 5_000;
/** Most `missing` sequence numbers one events.ack lists. */
export const EVENTS_ACK_MAX_MISSING = 1_000;

/** A phone-initiated session is pushed again when the device comes online within this window. */
export const PHONE_PUSH_TTL_MS = 10 * 60_000;

/** Arc telemetry is sampled at least this often. */
export const MIN_SAMPLE_RATE_HZ = 10;

/** Defaults the device uses until a config message says otherwise. */
export const DEFAULT_GAS_LIMIT_PERCENT_LEL = 10;
export const DEFAULT_ARC_CURRENT_THRESHOLD_A = 5;

/** The server sends grant.revoke within this time of the cause (permit cancelled, code revoked ...). */
export const REVOKE_DELIVERY_TARGET_MS = 5_000;

/** Arc detection: current ≥ threshold for this long starts an arc; below it for this long ends it. */
export const ARC_START_DEBOUNCE_MS = 200;
export const ARC_END_DEBOUNCE_MS = 500;

/**
 * Over-current cut: the arc current above maxCurrentA × (1 + this) for OVER_CURRENT_HOLD_MS opens the
 * relay. The margin covers sensor error; the hold lets hot-start and arc-force surges (a few hundred
 * ms at most) pass, while a machine modified or set past its rating is cut within about a second.
 */
export const OVER_CURRENT_TOLERANCE = 0.1;
export const OVER_CURRENT_HOLD_MS = 1_000;

/** Gas readings while armed or arcing; a fault clears only after readings stay below the limit this long. */
export const GAS_READING_INTERVAL_S = 10;
export const GAS_CLEAR_HOLD_MS = 60_000;

/**
 * The relay's auxiliary contact must follow the command within this time (contactors operate in
 * tens of ms, solenoid valves in about 100 ms, plus the board's input reporting); longer is a fault.
 */
export const RELAY_FEEDBACK_SETTLE_MS = 300;

/**
 * Longest stall the agent's software loop watchdog tolerates before it opens the relay itself. The
 * hardware watchdog below is the backstop for a loop that cannot even do that.
 */
export const WATCHDOG_TIMEOUT_MAX_MS = 2_000;

/**
 * Hardware watchdog on the board: the relay coil (valve) is powered only while the heartbeat pin
 * changes level at least this often; silence drops it whatever the relay pin says.
 */
export const HARDWARE_WATCHDOG_TIMEOUT_MS = 500;
/** The agent toggles the heartbeat pin at least this often while the relay may be closed (5 kicks per timeout). */
export const WATCHDOG_KICK_INTERVAL_MS = 100;
/** No Firmata analog report for this long: the board is silent (a fault; the agent is blind). */
export const BOARD_REPORT_SILENCE_MS = 1_000;
/** Serial port re-open back-off after the board link is lost: this, doubling, up to the max. */
export const BOARD_REOPEN_INITIAL_MS = 500;
export const BOARD_REOPEN_MAX_MS = 5_000;

/** While offline, heartbeats are journaled at this coarser period to save journal space. */
export const OFFLINE_HEARTBEAT_JOURNAL_INTERVAL_S = 300;
/** Least journal capacity a device must have (≈ 30 days of a busy machine). */
export const JOURNAL_MIN_CAPACITY_EVENTS = 100_000;

/** A device ignores a server message id it has already processed within this window (QoS 1 duplicates). */
export const SERVER_MESSAGE_DEDUP_MS = 10 * 60_000;

/** Phone flow: the welder confirms on the device within this time, or the push is dropped. */
export const PHONE_CONFIRM_TIMEOUT_MS = 60_000;
