import { sign } from 'node:crypto';
import {
  chipIdFromPublicKey,
  CHIP_ID_PATTERN,
  crockfordBase32,
  fromBase64Url,
  generateChipKeyPair,
  newMessageId,
  newNonce,
  privateKeyFromSeed,
  publicKeyFromRaw,
  publicKeyToBase64Url,
  rawPublicKey,
  signBytes,
  toBase64Url,
  verifyBytes,
} from './crypto';

// RFC 8032 section 7.1, TEST 1: lets a firmware vendor cross-check its Ed25519 implementation.
const RFC_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC_SIG_EMPTY =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

describe('keys', () => {
  it('rebuilds the RFC 8032 key from its seed and signs the empty message as the RFC says', () => {
    const key = privateKeyFromSeed(RFC_SEED);
    expect(rawPublicKey(key).toString('hex')).toBe(RFC_PUBLIC);
    expect(Buffer.from(fromBase64Url(signBytes(key, Buffer.alloc(0)))!).toString('hex')).toBe(RFC_SIG_EMPTY);
  });

  it('round-trips a public key through base64url of the raw 32 bytes', () => {
    const pair = generateChipKeyPair();
    expect(pair.publicKeyRaw).toHaveLength(43);
    expect(rawPublicKey(publicKeyFromRaw(pair.publicKeyRaw)).equals(rawPublicKey(pair.publicKey))).toBe(true);
    expect(publicKeyToBase64Url(pair.privateKey)).toBe(pair.publicKeyRaw);
  });

  it('rejects public keys that are not 32 bytes', () => {
    expect(() => publicKeyFromRaw(toBase64Url(Buffer.alloc(31)))).toThrow(TypeError);
    expect(() => publicKeyFromRaw('not base64url!')).toThrow(TypeError);
    expect(() => privateKeyFromSeed(Buffer.alloc(16))).toThrow(TypeError);
  });
});

describe('chipIdFromPublicKey', () => {
  it('is C + first 20 Crockford base32 chars of SHA-256(raw key), the same for every key form', () => {
    const key = privateKeyFromSeed(RFC_SEED);
    const chip = chipIdFromPublicKey(key);
    expect(chip).toBe('C47Z33QX1AJH62RKBZ1A0');
    expect(chip).toMatch(CHIP_ID_PATTERN);
    expect(chipIdFromPublicKey(rawPublicKey(key))).toBe(chip);
    expect(chipIdFromPublicKey(publicKeyToBase64Url(key))).toBe(chip);
  });

  it('differs between keys', () => {
    expect(generateChipKeyPair().chip).not.toBe(generateChipKeyPair().chip);
  });

  it('encodes Crockford base32 most significant bit first', () => {
    expect(crockfordBase32(Buffer.from([0xff]))).toBe('ZW');
    expect(crockfordBase32(Buffer.from([0, 0, 0, 0, 0]))).toBe('00000000');
    expect(crockfordBase32(Buffer.from('f'))).toBe('CR');
  });
});

describe('base64url', () => {
  it('decodes only canonical unpadded base64url', () => {
    expect(fromBase64Url('AQID')!.equals(Buffer.from([1, 2, 3]))).toBe(true);
    expect(fromBase64Url('AQI=')).toBeNull();
    expect(fromBase64Url('AQ+/')).toBeNull();
    expect(fromBase64Url('AQJ')).toBeNull(); // non-zero trailing bits: not what an encoder writes
    expect(fromBase64Url('A')).toBeNull();
  });

  it('makes ids and nonces of 16 random bytes', () => {
    expect(newMessageId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fromBase64Url(newNonce())).toHaveLength(16);
    expect(newNonce()).not.toBe(newNonce());
  });
});

describe('verifyBytes', () => {
  const pair = generateChipKeyPair();
  const data = Buffer.from('hello');
  const sig = signBytes(pair.privateKey, data);

  it('accepts the right key and data only', () => {
    expect(verifyBytes(pair.publicKeyRaw, data, sig)).toBe(true);
    expect(verifyBytes(generateChipKeyPair().publicKey, data, sig)).toBe(false);
    expect(verifyBytes(pair.publicKey, Buffer.from('hellp'), sig)).toBe(false);
  });

  it('returns false instead of throwing for garbage', () => {
    expect(verifyBytes(pair.publicKey, data, 'xx')).toBe(false);
    expect(verifyBytes(pair.publicKey, data, sig + 'A')).toBe(false);
    expect(verifyBytes('short', data, sig)).toBe(false);
    expect(verifyBytes(pair.publicKey, data, toBase64Url(sign(null, Buffer.from('other'), pair.privateKey)))).toBe(
      false,
    );
  });
});
