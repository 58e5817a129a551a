import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

import { CHIP_ID_CHARS, CROCKFORD_ALPHABET } from './identifiers';

export { CHIP_ID_PATTERN, CROCKFORD_ALPHABET } from './identifiers';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Strict base64url decoding (no padding, no foreign characters, canonical trailing bits); null if invalid. */
export function fromBase64Url(text: string): Buffer | null {
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export function crockfordBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A key as the protocol passes it around: a KeyObject, raw 32 bytes, or base64url of those bytes. */
export type PublicKeyInput = KeyObject | Uint8Array | string;

/** Imports an Ed25519 public key; throws on anything that is not exactly 32 raw bytes. */
export function publicKeyFromRaw(raw: Uint8Array | string): KeyObject {
  const bytes = typeof raw === 'string' ? fromBase64Url(raw) : Buffer.from(raw);
  if (!bytes || bytes.length !== ED25519_PUBLIC_KEY_BYTES)
    throw new TypeError('Ed25519 public key must be 32 raw bytes (base64url)');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes]), format: 'der', type: 'spki' });
}

export function toPublicKey(key: PublicKeyInput): KeyObject {
  if (key instanceof KeyObject) return key.type === 'private' ? createPublicKey(key) : key;
  return publicKeyFromRaw(key);
}

/** Raw 32-byte public key of an Ed25519 public or private KeyObject. */
export function rawPublicKey(key: PublicKeyInput): Buffer {
  const pub = toPublicKey(key);
  if (pub.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  return pub.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
}

export function publicKeyToBase64Url(key: PublicKeyInput): string {
  return toBase64Url(rawPublicKey(key));
}

/** Rebuilds an Ed25519 private key from its 32-byte seed (RFC 8032 "private key"). */
export function privateKeyFromSeed(seed: Uint8Array | string): KeyObject {
  const bytes = typeof seed === 'string' ? Buffer.from(seed, 'hex') : Buffer.from(seed);
  if (bytes.length !== 32) throw new TypeError('Ed25519 seed must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, bytes]), format: 'der', type: 'pkcs8' });
}

/** Chip id: "C" + first 20 Crockford base32 characters of SHA-256(raw public key) = 100 bits. */
export function chipIdFromPublicKey(key: PublicKeyInput): string {
  const digest = createHash('sha256').update(rawPublicKey(key)).digest();
  return 'C' + crockfordBase32(digest).slice(0, CHIP_ID_CHARS);
}

export interface ChipKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** base64url of the raw public key, as sent at binding. */
  publicKeyRaw: string;
  chip: string;
}

/** What the chip does once, on first boot: the private key never leaves the chip. */
export function generateChipKeyPair(): ChipKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicKeyRaw: publicKeyToBase64Url(publicKey), chip: chipIdFromPublicKey(publicKey) };
}

export function signBytes(privateKey: KeyObject, data: Uint8Array): string {
  return toBase64Url(sign(null, data, privateKey));
}

/** False (never throws) for a wrong key type, a malformed signature or a mismatch. */
export function verifyBytes(publicKey: PublicKeyInput, data: Uint8Array, signature: string): boolean {
  try {
    const sig = fromBase64Url(signature);
    if (!sig || sig.length !== ED25519_SIGNATURE_BYTES) return false;
    return verify(null, data, toPublicKey(publicKey), sig);
  } catch {
    return false;
  }
}

/** A fresh random value in base64url (default 16 bytes = 22 characters). */
export function randomToken(bytes = 16): string {
  return toBase64Url(randomBytes(bytes));
}

export const newMessageId = (): string => randomToken(16);
export const newNonce = (): string => randomToken(16);
