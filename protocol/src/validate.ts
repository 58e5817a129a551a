import {
  EVENTS_ACK_MAX_MISSING,
  EVENT_BATCH_MAX_EVENTS,
  MAX_MESSAGE_BYTES,
  MESSAGE_ID_MAX_LENGTH,
  MESSAGE_ID_MIN_LENGTH,
  MIN_SAMPLE_RATE_HZ,
  NONCE_MAX_BYTES,
  NONCE_MIN_BYTES,
} from './constants';
import { CHIP_ID_PATTERN, ED25519_SIGNATURE_BYTES, fromBase64Url } from './crypto';
import { WELDER_CODE_PATTERN } from './identity-code';
import {
  AnyMessage,
  ARC_INTERRUPTIONS,
  BOARD_LINK_CAUSES,
  DEVICE_EVENT_TYPES,
  DEVICE_FAULTS,
  DOWN_MESSAGE_TYPES,
  MACHINE_KINDS,
  MessageByType,
  MessageType,
  SAFETY_CUT_REASONS,
  UP_MESSAGE_TYPES,
} from './messages';
import { CERT_DENIAL_REASONS, DENIAL_REASONS, REVOKE_REASONS } from './reason-codes';
import {
  arr,
  bool,
  Check,
  int,
  isPlainObject,
  literal,
  nullable,
  num,
  obj,
  oneOf,
  opt,
  Problem,
  problem,
  run,
  Shape,
  str,
  tagged,
} from './schema';
import { DEVICE_STATES, TRIGGERS } from './state-machine';

export const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
/** Server-side record ids (UUIDs and the like). */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MESSAGE_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${MESSAGE_ID_MIN_LENGTH},${MESSAGE_ID_MAX_LENGTH}}$`);

export const MESSAGE_TYPES: readonly MessageType[] = ['status', ...UP_MESSAGE_TYPES, ...DOWN_MESSAGE_TYPES];

/** Epoch milliseconds of a strict ISO instant, or NaN (rejects 2026-02-30 and offsets other than Z). */
export function parseInstant(text: unknown): number {
  if (typeof text !== 'string' || !ISO_INSTANT_PATTERN.test(text)) return NaN;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19) ? ms : NaN;
}

// ---- field checks ---------------------------------------------------------------------------

const instant: Check = (v, path, out) => {
  if (Number.isNaN(parseInstant(v)))
    out.push(
      problem(
        path,
        typeof v === 'string' ? 'format' : 'type',
        'must be an ISO instant in UTC, e.g. 2026-03-02T08:00:00.000Z',
      ),
    );
};
const base64urlBytes =
  (min: number, max: number, what: string): Check =>
  (v, path, out) => {
    if (typeof v !== 'string') return void out.push(problem(path, 'type', 'must be a string'));
    const bytes = fromBase64Url(v);
    if (!bytes || bytes.length < min || bytes.length > max)
      out.push(problem(path, 'format', `must be ${what} (base64url without padding)`));
  };
const nonce = base64urlBytes(NONCE_MIN_BYTES, NONCE_MAX_BYTES, `${NONCE_MIN_BYTES}–${NONCE_MAX_BYTES} random bytes`);
const signature = base64urlBytes(ED25519_SIGNATURE_BYTES, ED25519_SIGNATURE_BYTES, 'a 64-byte Ed25519 signature');
const messageId = str({
  pattern: MESSAGE_ID_PATTERN,
  format: `${MESSAGE_ID_MIN_LENGTH}–${MESSAGE_ID_MAX_LENGTH} base64url characters`,
});
const recordId = str({ pattern: RECORD_ID_PATTERN, format: '1–64 characters of A–Z a–z 0–9 _ -' });
const chipId = str({ pattern: CHIP_ID_PATTERN, format: 'a chip id: C + 20 Crockford base32 characters' });
const seq = int({ min: 1, max: Number.MAX_SAFE_INTEGER });
const displayText = (max: number) => str({ min: 1, max });
const localized = obj({ 'zh-CN': displayText(200), en: displayText(200) });
const machineKind = oneOf(MACHINE_KINDS);
const deviceState = oneOf(DEVICE_STATES);
const trigger = oneOf(TRIGGERS);

const position = obj({
  lat: num({ min: -90, max: 90 }),
  lng: num({ min: -180, max: 180 }),
  accuracyM: num({ min: 0, max: 100_000 }),
  fixAt: instant,
});

const stats = (max: number): Check =>
  obj(
    { min: num({ min: 0, max }), max: num({ min: 0, max }), mean: num({ min: 0, max }), p95: num({ min: 0, max }) },
    (v, path, out) => {
      const s = v as { min: number; max: number; mean: number; p95: number };
      if (!(s.min <= s.mean && s.mean <= s.max && s.min <= s.p95 && s.p95 <= s.max))
        out.push(problem(path, 'consistency', 'needs min ≤ mean, p95 ≤ max'));
    },
  );

// ---- events ---------------------------------------------------------------------------------

const eventShape = (type: string, fields: Shape, refine?: Parameters<typeof obj>[1]): Check =>
  obj({ seq, type: literal(type), at: instant, ...fields }, refine);

const EVENT_CHECKS: Record<string, Check> = {
  'arc.start': eventShape('arc.start', { grantId: opt(recordId) }),
  'arc.stop': eventShape(
    'arc.stop',
    {
      grantId: opt(recordId),
      startedAt: instant,
      endedAt: instant,
      durationMs: int({ min: 0, max: 7 * 24 * 3_600_000 }),
      current: opt(stats(5_000)),
      voltage: opt(stats(1_000)),
      samples: int({ min: 0 }),
      sampleRateHz: num({ min: MIN_SAMPLE_RATE_HZ, max: 10_000 }),
      interrupted: opt(oneOf(ARC_INTERRUPTIONS)),
    },
    (v, path, out) => {
      // Only an arc cut off by the agent stopping, crashing or losing the board may lack its statistics.
      if (v.interrupted === undefined) {
        if (v.current === undefined)
          out.push(problem(`${path}.current`, 'required', 'is required unless the arc was interrupted'));
        if (v.voltage === undefined)
          out.push(problem(`${path}.voltage`, 'required', 'is required unless the arc was interrupted'));
        if ((v.samples as number) < 1)
          out.push(problem(`${path}.samples`, 'range', 'must be ≥ 1 unless the arc was interrupted'));
      }
      const started = parseInstant(v.startedAt);
      const ended = parseInstant(v.endedAt);
      if (ended < started) out.push(problem(`${path}.endedAt`, 'consistency', 'must not be before startedAt'));
      else if (Math.abs((v.durationMs as number) - (ended - started)) > 1_000)
        out.push(problem(`${path}.durationMs`, 'consistency', 'must equal endedAt − startedAt (±1 s)'));
      if (v.at !== v.endedAt) out.push(problem(`${path}.at`, 'consistency', 'must equal endedAt'));
    },
  ),
  heartbeat: eventShape('heartbeat', { position: nullable(position), relayClosed: bool(), state: deviceState }),
  'gas.reading': eventShape('gas.reading', {
    percentLel: num({ min: 0, max: 100 }),
    limitPercentLel: num({ min: 0.1, max: 100 }),
  }),
  tamper: eventShape('tamper', { switch: oneOf(['enclosure', 'bypass_suspected']), open: bool() }),
  'arc.unauthorized': eventShape('arc.unauthorized', {
    currentA: num({ min: 0, max: 5_000 }),
    relayClosed: literal(false),
  }),
  'relay.change': eventShape('relay.change', { closed: bool(), trigger, grantId: opt(recordId) }),
  'power.cut': eventShape('power.cut', {
    reason: oneOf(SAFETY_CUT_REASONS),
    grantId: opt(recordId),
    currentA: opt(num({ min: 0, max: 5_000 })),
    limitA: opt(num({ min: 1, max: 5_000 })),
    by: opt(literal('hardware_watchdog')),
  }),
  'state.change': eventShape('state.change', { from: deviceState, to: deviceState, trigger }),
  boot: eventShape('boot', { reason: oneOf(['power_on', 'watchdog', 'crash', 'update']), firmware: displayText(64) }),
  'security.rejected': eventShape('security.rejected', {
    messageType: displayText(32),
    messageId: opt(displayText(MESSAGE_ID_MAX_LENGTH)),
    reason: oneOf([
      'bad_signature',
      'wrong_chip',
      'nonce_mismatch',
      'request_mismatch',
      'expired',
      'not_yet_valid',
      'lifetime_too_long',
      'malformed',
      'wrong_type',
    ]),
  }),
  'relay.fault': eventShape('relay.fault', { commanded: bool(), feedback: bool() }),
  'board.link': eventShape('board.link', { up: bool(), cause: opt(oneOf(BOARD_LINK_CAUSES)) }, (v, path, out) => {
    if (v.up === false && v.cause === undefined)
      out.push(problem(`${path}.cause`, 'required', 'is required when up is false'));
    if (v.up === true && v.cause !== undefined)
      out.push(problem(`${path}.cause`, 'consistency', 'must be absent when up is true'));
  }),
  'journal.lost': eventShape('journal.lost', { fromSeq: seq, toSeq: seq }, (v, path, out) => {
    if ((v.fromSeq as number) > (v.toSeq as number))
      out.push(problem(`${path}.toSeq`, 'consistency', 'must be ≥ fromSeq'));
  }),
};
const deviceEvent = tagged('type', EVENT_CHECKS);
if (DEVICE_EVENT_TYPES.some((t) => !EVENT_CHECKS[t])) throw new Error('every event type needs a validator');

/** Problems of one event of a batch (empty = valid): lets a receiver keep the good events of a batch that fails. */
export function validateEvent(value: unknown, path = '$'): Problem[] {
  return run(deviceEvent, value, path);
}

// ---- bodies ---------------------------------------------------------------------------------

/** A certificate serial as the device CA prints it: lower-case hex, at most 20 octets (RFC 5280). */
export const CERT_SERIAL_PATTERN = /^[0-9a-f]{1,40}$/;
const certSerial = str({ pattern: CERT_SERIAL_PATTERN, format: 'a certificate serial: 1–40 lower-case hex digits' });
/** One PEM certificate, LF line ends; an Ed25519 one is about 600 characters. */
export const CERT_PEM_PATTERN = /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/;
const certificatePem = str({ pattern: CERT_PEM_PATTERN, max: 4_096, format: 'one PEM certificate (LF line ends)' });
const rawPublicKey = base64urlBytes(32, 32, 'a raw 32-byte Ed25519 public key');

const credential = tagged('kind', {
  welder_code: obj({
    kind: literal('welder_code'),
    code: str({ pattern: WELDER_CODE_PATTERN, format: 'a welder code: W + 21 Crockford base32 characters' }),
  }),
  phone_session: obj({ kind: literal('phone_session'), sessionId: recordId }),
});

const BODY_CHECKS: Record<Exclude<MessageType, 'status'>, Check> = {
  'arm.request': obj({ nonce, credential, permitId: opt(recordId), position: nullable(position), machineKind }),
  events: obj({ events: arr(deviceEvent, { min: 1, max: EVENT_BATCH_MAX_EVENTS }) }, (v, path, out) => {
    const events = v.events as { seq: number }[];
    for (let i = 1; i < events.length; i++) {
      if (events[i].seq <= events[i - 1].seq)
        out.push(problem(`${path}.events[${i}].seq`, 'consistency', 'event seqs must increase within a batch'));
    }
  }),
  'arm.grant': obj(
    {
      grantId: recordId,
      requestId: messageId,
      chip: chipId,
      machineId: recordId,
      welderId: recordId,
      permitId: recordId,
      nonce,
      issuedAt: instant,
      notBefore: instant,
      expiresAt: instant,
      welderName: opt(displayText(32)),
      maxCurrentA: opt(num({ min: 1, max: 5_000 })),
      gasLimitPercentLel: opt(num({ min: 0.1, max: 100 })),
    },
    (v, path, out) => {
      // The 8 h lifetime cap is checked by verifyGrant, which reports it as its own failure.
      if (parseInstant(v.expiresAt) <= parseInstant(v.notBefore))
        out.push(problem(`${path}.expiresAt`, 'consistency', 'must be after notBefore'));
    },
  ),
  'arm.denied': obj({
    requestId: messageId,
    reason: oneOf(DENIAL_REASONS),
    message: localized,
    retryAfterS: opt(int({ min: 1, max: 86_400 })),
  }),
  'grant.revoke': obj({ grantId: opt(recordId), reason: oneOf(REVOKE_REASONS), message: localized }),
  'events.ack': obj(
    {
      requestId: messageId,
      upToSeq: int({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      missing: opt(arr(seq, { max: EVENTS_ACK_MAX_MISSING })),
      rejected: opt(arr(seq, { min: 1, max: EVENT_BATCH_MAX_EVENTS })),
    },
    (v, path, out) => {
      const missing = (v.missing as number[] | undefined) ?? [];
      missing.forEach((s, i) => {
        if (s <= (v.upToSeq as number) || (i > 0 && s <= missing[i - 1]))
          out.push(problem(`${path}.missing[${i}]`, 'consistency', 'must be ascending and above upToSeq'));
      });
      const rejected = (v.rejected as number[] | undefined) ?? [];
      rejected.forEach((s, i) => {
        if (i > 0 && s <= rejected[i - 1])
          out.push(problem(`${path}.rejected[${i}]`, 'consistency', 'must be ascending'));
        // A rejected seq is accounted for on the server: it can never also be missing.
        if (missing.includes(s)) out.push(problem(`${path}.rejected[${i}]`, 'consistency', 'must not also be missing'));
      });
    },
  ),
  'grant.push': obj({
    sessionId: recordId,
    welderId: recordId,
    welderName: displayText(32),
    permitId: recordId,
    expiresAt: instant,
  }),
  'cert.renew': obj({ serial: certSerial, publicKey: rawPublicKey }),
  'cert.issued': obj(
    {
      requestId: messageId,
      serial: certSerial,
      supersedes: certSerial,
      notBefore: instant,
      notAfter: instant,
      certificatePem,
    },
    (v, path, out) => {
      if (parseInstant(v.notAfter) <= parseInstant(v.notBefore))
        out.push(problem(`${path}.notAfter`, 'consistency', 'must be after notBefore'));
      if (v.serial === v.supersedes)
        out.push(problem(`${path}.serial`, 'consistency', 'must differ from the serial it supersedes'));
    },
  ),
  'cert.denied': obj({
    requestId: messageId,
    reason: oneOf(CERT_DENIAL_REASONS),
    message: localized,
    retryAfterS: opt(int({ min: 1, max: 86_400 })),
  }),
  config: obj(
    {
      heartbeatIntervalS: opt(int({ min: 5, max: 300 })),
      gasLimitPercentLel: opt(num({ min: 0.1, max: 100 })),
      arcCurrentThresholdA: opt(num({ min: 0.1, max: 500 })),
      sampleRateHz: opt(num({ min: MIN_SAMPLE_RATE_HZ, max: 1_000 })),
    },
    (v, path, out) => {
      if (Object.keys(v).length === 0) out.push(problem(path, 'required', 'must set at least one field'));
    },
  ),
};

const faults = arr(oneOf(DEVICE_FAULTS), { max: DEVICE_FAULTS.length });
const onlineStatusBody = obj(
  {
    online: literal(true),
    state: deviceState,
    machineKind,
    firmware: displayText(64),
    protocol: literal(1, 'version'),
    faults: opt(faults),
  },
  (v, path, out) => {
    const list = (v.faults as string[] | undefined) ?? [];
    list.forEach((f, i) => {
      if (list.indexOf(f) !== i) out.push(problem(`${path}.faults[${i}]`, 'consistency', 'must not repeat a fault'));
    });
  },
);
const offlineStatus = obj({
  v: literal(1, 'version'),
  type: literal('status'),
  chip: chipId,
  body: obj({ online: literal(false), reason: oneOf(['will', 'shutdown']) }),
});

const DEVICE_SIGNED: readonly MessageType[] = ['status', ...UP_MESSAGE_TYPES];

/** The envelope fields without the body: enough to pick the key and verify the signature. */
export function validateEnvelopeHeader(value: unknown): Problem[] {
  if (!isPlainObject(value)) return [problem('$', 'type', 'must be a JSON object')];
  const type = value.type;
  const fromDevice = typeof type === 'string' && DEVICE_SIGNED.includes(type as MessageType);
  const header: Shape = {
    v: literal(1, 'version'),
    type: oneOf(MESSAGE_TYPES),
    id: messageId,
    chip: chipId,
    seq: fromDevice ? seq : opt(seq),
    ts: instant,
    body: (v, path, out) => void (isPlainObject(v) || out.push(problem(path, 'type', 'must be an object'))),
    sig: signature,
  };
  return run(obj(header), value);
}

/** Every problem of a message of any type (empty = valid). Signature and freshness are not checked here. */
export function validateMessage(value: unknown): Problem[] {
  if (isPlainObject(value) && value.type === 'status' && isPlainObject(value.body) && value.body.online === false)
    return run(offlineStatus, value);
  const problems = validateEnvelopeHeader(value);
  if (problems.some((p) => p.path === '$' || p.path === '$.type')) return problems;
  const msg = value as Record<string, unknown>;
  const bodyCheck = msg.type === 'status' ? onlineStatusBody : BODY_CHECKS[msg.type as Exclude<MessageType, 'status'>];
  problems.push(...run(bodyCheck, msg.body, '$.body'));
  if (msg.type === 'arm.grant' && isPlainObject(msg.body) && msg.body.chip !== msg.chip)
    problems.push(problem('$.body.chip', 'consistency', 'must equal the envelope chip'));
  return problems;
}

/** Problems of a message that must be of `type`. */
export function validateMessageOfType<T extends MessageType>(type: T, value: unknown): Problem[] {
  if (isPlainObject(value) && value.type !== type)
    return [problem('$.type', 'enum', `must be ${JSON.stringify(type)}`)];
  return validateMessage(value);
}

export function isMessageOfType<T extends MessageType>(type: T, value: unknown): value is MessageByType[T] {
  return validateMessageOfType(type, value).length === 0;
}

export function isValidMessage(value: unknown): value is AnyMessage {
  return validateMessage(value).length === 0;
}

export type ParseResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

/** Size limit, UTF-8 and JSON syntax; the step before validation. */
export function parsePayload(payload: string | Uint8Array): ParseResult {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  if (bytes.length > MAX_MESSAGE_BYTES)
    return { ok: false, problems: [problem('$', 'tooLarge', `payload exceeds ${MAX_MESSAGE_BYTES} bytes`)] };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problems: [problem('$', 'json', 'payload is not UTF-8 JSON')] };
  }
}

export type DecodeResult = { ok: true; message: AnyMessage } | { ok: false; problems: Problem[] };

/** parsePayload + validateMessage. */
export function decodeMessage(payload: string | Uint8Array): DecodeResult {
  const parsed = parsePayload(payload);
  if (!parsed.ok) return parsed;
  const problems = validateMessage(parsed.value);
  return problems.length ? { ok: false, problems } : { ok: true, message: parsed.value as AnyMessage };
}
