import {
  chipIdFromPublicKey,
  ED25519_PUBLIC_KEY_BYTES,
  fromBase64Url,
  publicKeyFromRaw,
  type PublicKeyInput,
  publicKeyToBase64Url,
} from './crypto';

import { CHIP_LABEL_SCHEME, CHIP_LABEL_VERSION, type ChipLabelParse, parseChipLabelShape } from './chip-label-shape';

export * from './chip-label-shape';

/*
 * The QR code printed on a chip's label (docs/protocol.md §2.3): what an installer scans to bind the
 * chip to a machine (加芯). The text format is chip-label-shape.ts; here the key must be an Ed25519
 * key and the chip id the one derived from it (§2.2), so a label with a mistyped or swapped half is refused.
 */

/** The label text of a chip, from its public key. */
export function formatChipLabel(publicKey: PublicKeyInput): string {
  const pk = publicKeyToBase64Url(publicKey);
  return `${CHIP_LABEL_SCHEME}:${CHIP_LABEL_VERSION}?id=${chipIdFromPublicKey(pk)}&pk=${pk}`;
}

/** Reads a scanned or typed label; surrounding white space is ignored. */
export function parseChipLabel(text: unknown): ChipLabelParse {
  const shape = parseChipLabelShape(text);
  if (!shape.ok) return shape;
  const raw = fromBase64Url(shape.publicKey);
  if (!raw || raw.length !== ED25519_PUBLIC_KEY_BYTES) return { ok: false, failure: 'bad_public_key' };
  try {
    publicKeyFromRaw(raw);
  } catch {
    return { ok: false, failure: 'bad_public_key' };
  }
  if (chipIdFromPublicKey(raw) !== shape.chipId) return { ok: false, failure: 'chip_id_mismatch' };
  return shape;
}
