/**
 * The chip label QR code (docs/protocol.md §2.3): `arcgate-chip:1?id=<chip id>&pk=<public key>`. The
 * console does not depend on the protocol package at run time; this mirrors its parseChipLabel in
 * everything but the last check (that the id is the SHA-256-derived id of the key), which the server
 * makes when binding (field error chipId/chipIdMismatch). chip-label.test.ts holds it to the protocol's
 * failures and the documented example.
 */
export const CHIP_LABEL_FAILURES = [
  'not_a_chip_label',
  'unsupported_version',
  'bad_chip_id',
  'bad_public_key',
] as const;
export type ChipLabelFailure = (typeof CHIP_LABEL_FAILURES)[number];
export type ChipLabelParse = { ok: true; chipId: string; publicKey: string } | { ok: false; failure: ChipLabelFailure };

const CHIP_LABEL_MAX_LENGTH = 256;
const LABEL_SHAPE = /^arcgate-chip:(\d{1,4})\?([\x21-\x7e]*)$/i;
const CHIP_ID_PATTERN = /^C[0-9ABCDEFGHJKMNPQRSTVWXYZ]{20}$/;
// 32 bytes in unpadded base64url: 43 characters, the last one carrying 2 unused bits that must be zero.
const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export function parseChipLabel(text: string): ChipLabelParse {
  if (text.length > CHIP_LABEL_MAX_LENGTH) return { ok: false, failure: 'not_a_chip_label' };
  const m = LABEL_SHAPE.exec(text.trim());
  if (!m) return { ok: false, failure: 'not_a_chip_label' };
  if (Number(m[1]) !== 1) return { ok: false, failure: 'unsupported_version' };
  const params = new Map<string, string[]>();
  for (const part of m[2].split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    params.set(key, [...(params.get(key) ?? []), eq < 0 ? '' : part.slice(eq + 1)]);
  }
  const ids = params.get('id') ?? [];
  const pks = params.get('pk') ?? [];
  if (ids.length !== 1 || !CHIP_ID_PATTERN.test(ids[0])) return { ok: false, failure: 'bad_chip_id' };
  if (pks.length !== 1 || !PUBLIC_KEY_PATTERN.test(pks[0])) return { ok: false, failure: 'bad_public_key' };
  return { ok: true, chipId: ids[0], publicKey: pks[0] };
}

/** A chip id in groups of four after the C, easier to compare with the print: C47Z3 3QX1 AJH6 2RKB Z1A0. */
export function groupedChipId(chipId: string): string {
  return `${chipId.slice(0, 5)} ${chipId.slice(5).replace(/(.{4})(?=.)/g, '$1 ')}`;
}
