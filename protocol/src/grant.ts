import { CLOCK_SKEW_MS, GRANT_MAX_LIFETIME_MS } from './constants';
import { PublicKeyInput } from './crypto';
import { isFresh, verifyEnvelope } from './envelope';
import { ArmGrantMessage, DownMessageType, GrantRevokeMessage, MessageByType, RejectedMessageReason } from './messages';
import { isPlainObject, Problem } from './schema';
import { parseInstant, validateEnvelopeHeader, validateMessageOfType } from './validate';

/** Why the device refused a server message; reported in a security.rejected event. */
export type ServerMessageFailure = Extract<
  RejectedMessageReason,
  'malformed' | 'wrong_type' | 'bad_signature' | 'wrong_chip' | 'request_mismatch' | 'expired'
>;
export type GrantFailure =
  ServerMessageFailure | Extract<RejectedMessageReason, 'nonce_mismatch' | 'not_yet_valid' | 'lifetime_too_long'>;

export type ServerMessageResult<T extends DownMessageType> =
  { ok: true; message: MessageByType[T] } | { ok: false; failure: ServerMessageFailure; problems?: Problem[] };

export interface ServerMessageOptions<T extends DownMessageType> {
  /** The server key provisioned at binding. */
  serverPublicKey: PublicKeyInput;
  /** The device's own chip id. */
  chip: string;
  type: T;
  now: Date;
  /**
   * Default: true, except for grant.revoke (it only ever locks, so it is honoured whenever it
   * verifies) and arm.denied (bound to the request by requestId; its ts corrects a wrong device clock).
   */
  checkFreshness?: boolean;
  /** For answers (arm.grant, arm.denied, events.ack): the id of the request the device waits for. */
  expectedRequestId?: string;
}

/** Device-side check of any server→device message: shape, type, server signature, addressee, freshness. */
export function verifyServerMessage<T extends DownMessageType>(
  envelope: unknown,
  opts: ServerMessageOptions<T>,
): ServerMessageResult<T> {
  const header = validateEnvelopeHeader(envelope);
  if (header.length) return { ok: false, failure: 'malformed', problems: header };
  const env = envelope as Record<string, unknown>;
  if (env.type !== opts.type) return { ok: false, failure: 'wrong_type' };
  if (!verifyEnvelope(opts.serverPublicKey, env)) return { ok: false, failure: 'bad_signature' };
  const problems = validateMessageOfType(opts.type, env);
  if (problems.length) return { ok: false, failure: 'malformed', problems };
  const bodyChip = isPlainObject(env.body) ? env.body.chip : undefined;
  if (env.chip !== opts.chip || (bodyChip !== undefined && bodyChip !== opts.chip))
    return { ok: false, failure: 'wrong_chip' };
  if (
    opts.expectedRequestId !== undefined &&
    (!isPlainObject(env.body) || env.body.requestId !== opts.expectedRequestId)
  )
    return { ok: false, failure: 'request_mismatch' };
  const checkFreshness = opts.checkFreshness ?? !['grant.revoke', 'arm.denied'].includes(opts.type);
  if (checkFreshness && !isFresh(env.ts as string, opts.now)) return { ok: false, failure: 'expired' };
  return { ok: true, message: env as unknown as MessageByType[T] };
}

export type GrantVerification =
  { ok: true; grant: ArmGrantMessage } | { ok: false; failure: GrantFailure; problems?: Problem[] };

export interface GrantCheck {
  serverPublicKey: PublicKeyInput;
  chip: string;
  /** The nonce the device put in its arm.request (kept with the grant if the device stores it). */
  expectedNonce: string;
  now: Date;
  /** The arm.request id, when the device still waits for that request. */
  expectedRequestId?: string;
}

/**
 * What the device does before closing the relay, offline-capable. Start of validity gets the
 * clock-skew allowance; the end does not (fail closed). A grant is not rejected for an old `ts`:
 * its own validity window and the nonce already bound it to this request.
 */
export function verifyGrant(envelope: unknown, check: GrantCheck): GrantVerification {
  const base = verifyServerMessage(envelope, {
    serverPublicKey: check.serverPublicKey,
    chip: check.chip,
    type: 'arm.grant',
    now: check.now,
    checkFreshness: false,
    expectedRequestId: check.expectedRequestId,
  });
  if (!base.ok) return base;
  const grant = base.message;
  const body = grant.body;
  if (body.nonce !== check.expectedNonce) return { ok: false, failure: 'nonce_mismatch' };
  const issued = parseInstant(body.issuedAt);
  const notBefore = parseInstant(body.notBefore);
  const expires = parseInstant(body.expiresAt);
  if (expires - issued > GRANT_MAX_LIFETIME_MS || expires - notBefore > GRANT_MAX_LIFETIME_MS)
    return { ok: false, failure: 'lifetime_too_long' };
  const now = check.now.getTime();
  if (now < notBefore - CLOCK_SKEW_MS) return { ok: false, failure: 'not_yet_valid' };
  if (now >= expires) return { ok: false, failure: 'expired' };
  return { ok: true, grant };
}

/** Milliseconds the grant still has at `now` (0 when expired); the device schedules its relay opening with it. */
export function grantRemainingMs(grant: ArmGrantMessage, now: Date): number {
  return Math.max(0, parseInstant(grant.body.expiresAt) - now.getTime());
}

/**
 * Whether a verified grant.revoke ends the grant the device holds: it names that grant, or names
 * none and is not older than the grant (a revoke-all from before the grant belongs to an earlier one).
 */
export function revokeAppliesTo(revoke: GrantRevokeMessage, grant: ArmGrantMessage | null): boolean {
  if (!grant) return false;
  if (revoke.body.grantId !== undefined) return revoke.body.grantId === grant.body.grantId;
  return parseInstant(revoke.ts) >= parseInstant(grant.body.issuedAt) - CLOCK_SKEW_MS;
}
