import { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical';
import { CONNECT_TOKEN_WINDOW_MS, NONCE_MIN_BYTES } from './constants';
import {
  chipIdFromPublicKey,
  CHIP_ID_PATTERN,
  fromBase64Url,
  newNonce,
  PublicKeyInput,
  signBytes,
  toBase64Url,
  verifyBytes,
} from './crypto';
import { isPlainObject } from './schema';
import { parseInstant } from './validate';

/**
 * MQTT password of a device: `<claims>.<sig>` where claims = base64url(canonical JSON {chip, nonce, ts})
 * and sig = base64url Ed25519 over the ASCII bytes of <claims>. The MQTT username and the MQTT client
 * id are both the chip id. A token is good for one CONNECT: the broker side remembers its nonce until
 * the token expires (connectTokenUsableUntil), so a device mints a fresh token for every attempt.
 */
export interface ConnectClaims {
  chip: string;
  ts: string;
  nonce: string;
}

export const MAX_CONNECT_TOKEN_LENGTH = 512;

export function makeConnectToken(privateKey: KeyObject, now: Date, nonce: string = newNonce()): string {
  const claims: ConnectClaims = { chip: chipIdFromPublicKey(privateKey), ts: now.toISOString(), nonce };
  const head = toBase64Url(Buffer.from(canonicalJson(claims), 'utf8'));
  return `${head}.${signBytes(privateKey, Buffer.from(head, 'ascii'))}`;
}

export type ConnectTokenFailure = 'malformed' | 'bad_signature' | 'wrong_chip' | 'expired' | 'not_yet_valid';
export type ConnectTokenResult = { ok: true; claims: ConnectClaims } | { ok: false; failure: ConnectTokenFailure };

/**
 * Broker-side check. Valid while |now − ts| ≤ 5 min (both ends inclusive). The claims' chip must be
 * the chip of `publicKey` and, when given, the MQTT username. One use per token is the caller's to
 * enforce (it needs memory): remember (chip, nonce) until connectTokenUsableUntil(claims).
 */
export function verifyConnectToken(
  token: unknown,
  publicKey: PublicKeyInput,
  now: Date,
  opts: { username?: string } = {},
): ConnectTokenResult {
  if (typeof token !== 'string' || token.length > MAX_CONNECT_TOKEN_LENGTH) return { ok: false, failure: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, failure: 'malformed' };
  const [head, sig] = parts;
  const json = fromBase64Url(head);
  if (!json) return { ok: false, failure: 'malformed' };
  let claims: unknown;
  try {
    claims = JSON.parse(json.toString('utf8'));
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  if (!isPlainObject(claims) || Object.keys(claims).length !== 3) return { ok: false, failure: 'malformed' };
  const { chip, ts, nonce } = claims;
  if (
    typeof chip !== 'string' ||
    !CHIP_ID_PATTERN.test(chip) ||
    typeof nonce !== 'string' ||
    (fromBase64Url(nonce)?.length ?? 0) < NONCE_MIN_BYTES ||
    nonce.length > 128
  ) {
    return { ok: false, failure: 'malformed' };
  }
  const at = parseInstant(ts);
  if (Number.isNaN(at)) return { ok: false, failure: 'malformed' };
  let ownChip: string;
  try {
    ownChip = chipIdFromPublicKey(publicKey);
  } catch {
    return { ok: false, failure: 'bad_signature' };
  }
  if (!verifyBytes(publicKey, Buffer.from(head, 'ascii'), sig)) return { ok: false, failure: 'bad_signature' };
  if (chip !== ownChip || (opts.username !== undefined && opts.username !== chip))
    return { ok: false, failure: 'wrong_chip' };
  if (now.getTime() - at > CONNECT_TOKEN_WINDOW_MS) return { ok: false, failure: 'expired' };
  if (at - now.getTime() > CONNECT_TOKEN_WINDOW_MS) return { ok: false, failure: 'not_yet_valid' };
  return { ok: true, claims: { chip, ts: ts as string, nonce } };
}

/** After this instant a token is refused as expired, so its nonce need not be remembered any longer. */
export function connectTokenUsableUntil(claims: ConnectClaims): Date {
  return new Date(parseInstant(claims.ts) + CONNECT_TOKEN_WINDOW_MS);
}
