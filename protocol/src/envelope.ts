import { KeyObject } from 'node:crypto';
import { canonicalBytes } from './canonical';
import { CLOCK_SKEW_MS, PROTOCOL_VERSION } from './constants';
import { newMessageId, PublicKeyInput, signBytes, verifyBytes } from './crypto';
import { Envelope, MessageByType, MessageType, UnsignedEnvelope } from './messages';
import { ReasonCode } from './reason-codes';
import { Problem, problem } from './schema';
import { parseInstant, parsePayload, validateEnvelopeHeader, validateMessageOfType } from './validate';

/** Builds an unsigned envelope stamped with the caller's `now` (the library never reads the clock). */
export function createEnvelope<T extends MessageType, B>(
  type: T,
  fields: { chip: string; body: B; seq?: number; id?: string },
  now: Date,
): UnsignedEnvelope<Envelope<T, B>> {
  const seq = fields.seq === undefined ? {} : { seq: fields.seq };
  return {
    v: PROTOCOL_VERSION,
    type,
    id: fields.id ?? newMessageId(),
    chip: fields.chip,
    ...seq,
    ts: now.toISOString(),
    body: fields.body,
  };
}

/** The exact bytes that `sig` covers: canonical JSON of the envelope without `sig`. */
export function signingBytes(envelope: object): Buffer {
  const { sig: _ignored, ...rest } = envelope as Record<string, unknown>;
  return canonicalBytes(rest);
}

export function signEnvelope<E extends Envelope>(privateKey: KeyObject, envelope: UnsignedEnvelope<E> | E): E {
  const unsigned = { ...(envelope as Record<string, unknown>) };
  delete unsigned.sig;
  return { ...unsigned, sig: signBytes(privateKey, signingBytes(unsigned)) } as E;
}

/** True only when `sig` is a valid Ed25519 signature by `publicKey` over the envelope. Never throws. */
export function verifyEnvelope(publicKey: PublicKeyInput, envelope: unknown): boolean {
  if (typeof envelope !== 'object' || envelope === null || typeof (envelope as { sig?: unknown }).sig !== 'string')
    return false;
  try {
    return verifyBytes(publicKey, signingBytes(envelope), (envelope as { sig: string }).sig);
  } catch {
    return false;
  }
}

/** Sender time within ±CLOCK_SKEW_MS of `now`. */
export function isFresh(ts: string, now: Date, skewMs = CLOCK_SKEW_MS): boolean {
  const at = parseInstant(ts);
  return Number.isFinite(at) && Math.abs(at - now.getTime()) <= skewMs;
}

export type OpenResult<T extends MessageType> =
  | { ok: true; message: MessageByType[T] }
  /** `answerable`: the sender is authenticated, so the server may answer with a denial; otherwise stay silent and log. */
  | { ok: false; reason: ReasonCode; problems: Problem[]; answerable: boolean; messageId?: string };

export interface OpenOptions<T extends MessageType> {
  /** Chip from the topic; the envelope must name the same chip. */
  chip: string;
  /** Type from the topic; the envelope must have the same type. */
  type: T;
  /** The chip's bound public key. */
  publicKey: PublicKeyInput;
  now: Date;
  /** Retained status delivered on subscribe is old by nature: pass false for it. */
  checkFreshness?: boolean;
}

/**
 * Server-side reception of one device payload, in the order the doc prescribes:
 * size/JSON → envelope header → chip and type match the topic → signature → body → freshness.
 * The unsigned offline status is accepted as is: it can only ever mean "offline".
 * Sequence-number de-duplication needs storage and is the caller's step.
 */
export function openDeviceMessage<T extends MessageType>(
  payload: string | Uint8Array,
  opts: OpenOptions<T>,
): OpenResult<T> {
  const fail = (reason: ReasonCode, problems: Problem[], answerable = false, messageId?: string): OpenResult<T> => ({
    ok: false,
    reason,
    problems,
    answerable,
    messageId,
  });
  const parsed = parsePayload(payload);
  if (!parsed.ok) return fail(ReasonCode.MALFORMED, parsed.problems);
  const value = parsed.value as Record<string, unknown>;

  if (
    opts.type === 'status' &&
    typeof value === 'object' &&
    value !== null &&
    (value.body as { online?: unknown } | undefined)?.online === false
  ) {
    const problems = validateMessageOfType('status', value);
    if (problems.length) return fail(ReasonCode.MALFORMED, problems);
    if (value.chip !== opts.chip)
      return fail(ReasonCode.MALFORMED, [problem('$.chip', 'consistency', 'must equal the chip in the topic')]);
    return { ok: true, message: value as unknown as MessageByType[T] };
  }

  const header = validateEnvelopeHeader(value);
  if (header.length) return fail(ReasonCode.MALFORMED, header);
  const id = value.id as string;
  if (value.chip !== opts.chip)
    return fail(ReasonCode.MALFORMED, [problem('$.chip', 'consistency', 'must equal the chip in the topic')]);
  if (value.type !== opts.type)
    return fail(ReasonCode.MALFORMED, [problem('$.type', 'consistency', 'must equal the type in the topic')]);
  if (!verifyEnvelope(opts.publicKey, value))
    return fail(ReasonCode.BAD_SIGNATURE, [problem('$.sig', 'format', 'signature does not verify with the bound key')]);

  const problems = validateMessageOfType(opts.type, value);
  if (problems.length) return fail(ReasonCode.MALFORMED, problems, true, id);
  if (opts.checkFreshness !== false && !isFresh(value.ts as string, opts.now)) {
    return fail(
      ReasonCode.REQUEST_EXPIRED,
      [problem('$.ts', 'range', `must be within ${CLOCK_SKEW_MS / 1000} s of the server clock`)],
      true,
      id,
    );
  }
  return { ok: true, message: value as unknown as MessageByType[T] };
}
