import {
  CHIP_ID_PATTERN,
  chipIdFromPublicKey,
  ED25519_PUBLIC_KEY_BYTES,
  fromBase64Url,
  publicKeyFromRaw,
  type PublicKeyInput,
  publicKeyToBase64Url,
} from './crypto';

/**
 * The QR code printed on a chip's label (docs/protocol.md §2.3): what an installer scans to bind the
 * chip to a machine (加芯). One line of ASCII:
 *
 *   arcgate-chip:1?id=<chip id>&pk=<raw Ed25519 public key, base64url, 43 characters>
 *
 * `1` is the label format version. Parameters may come in any order; each of `id` and `pk` exactly
 * once; other parameters are ignored (room for later fields such as a model name). The chip id must
 * be the one derived from the key (§2.2), so a label with a mistyped or swapped half is refused.
 */
export const CHIP_LABEL_SCHEME = 'arcgate-chip';
export const CHIP_LABEL_VERSION = 1;
/** Longer text is not a chip label (and is not worth parsing). */
export const CHIP_LABEL_MAX_LENGTH = 256;

export const CHIP_LABEL_FAILURES = [
  /** Not text of the form arcgate-chip:<version>?... (e.g. a machine or welder code, a URL). */
  'not_a_chip_label',
  /** A later label format this software does not read. */
  'unsupported_version',
  /** `id` missing, repeated or not a chip id. */
  'bad_chip_id',
  /** `pk` missing, repeated or not 32 bytes of strict base64url forming an Ed25519 key. */
  'bad_public_key',
  /** Both well formed, but the id is not the one derived from the key. */
  'chip_id_mismatch',
] as const;
export type ChipLabelFailure = (typeof CHIP_LABEL_FAILURES)[number];

export type ChipLabelParse = { ok: true; chipId: string; publicKey: string } | { ok: false; failure: ChipLabelFailure };

/** The label text of a chip, from its public key. */
export function formatChipLabel(publicKey: PublicKeyInput): string {
  const pk = publicKeyToBase64Url(publicKey);
  return `${CHIP_LABEL_SCHEME}:${CHIP_LABEL_VERSION}?id=${chipIdFromPublicKey(pk)}&pk=${pk}`;
}

const LABEL_SHAPE = /^arcgate-chip:(\d{1,4})\?([\x21-\x7e]*)$/i;

/** Reads a scanned or typed label; surrounding white space is ignored. */
export function parseChipLabel(text: unknown): ChipLabelParse {
  if (typeof text !== 'string' || text.length > CHIP_LABEL_MAX_LENGTH)
    return { ok: false, failure: 'not_a_chip_label' };
  const m = LABEL_SHAPE.exec(text.trim());
  if (!m) return { ok: false, failure: 'not_a_chip_label' };
  if (Number(m[1]) !== CHIP_LABEL_VERSION) return { ok: false, failure: 'unsupported_version' };
  const params = new Map<string, string[]>();
  for (const part of m[2].split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  const ids = params.get('id') ?? [];
  const pks = params.get('pk') ?? [];
  if (ids.length !== 1 || !CHIP_ID_PATTERN.test(ids[0])) return { ok: false, failure: 'bad_chip_id' };
  const raw = pks.length === 1 ? fromBase64Url(pks[0]) : null;
  if (!raw || raw.length !== ED25519_PUBLIC_KEY_BYTES) return { ok: false, failure: 'bad_public_key' };
  try {
    publicKeyFromRaw(raw);
  } catch {
    return { ok: false, failure: 'bad_public_key' };
  }
  if (chipIdFromPublicKey(raw) !== ids[0]) return { ok: false, failure: 'chip_id_mismatch' };
  return { ok: true, chipId: ids[0], publicKey: pks[0] };
}
