import { CHIP_ID_PATTERN } from './identifiers';

/*
 * The chip label's text format (docs/protocol.md §2.3), with no dependency: browsers read labels with
 * this (web-admin, through browser.ts); chip-label.ts adds the checks that need cryptography.
 *
 *   arcgate-chip:1?id=<chip id>&pk=<raw Ed25519 public key, base64url, 43 characters>
 *
 * `1` is the label format version. Parameters may come in any order; each of `id` and `pk` exactly
 * once; other parameters are ignored (room for later fields such as a model name).
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
  /** `pk` missing, repeated or not 32 bytes of strict base64url (forming an Ed25519 key: chip-label.ts). */
  'bad_public_key',
  /** Both well formed, but the id is not the one derived from the key (chip-label.ts). */
  'chip_id_mismatch',
] as const;
export type ChipLabelFailure = (typeof CHIP_LABEL_FAILURES)[number];

export type ChipLabelParse = { ok: true; chipId: string; publicKey: string } | { ok: false; failure: ChipLabelFailure };

const LABEL_SHAPE = /^arcgate-chip:(\d{1,4})\?([\x21-\x7e]*)$/i;
/** 32 bytes in unpadded strict base64url: 43 characters, the last carrying 2 unused bits that must be zero. */
const PUBLIC_KEY_SHAPE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/**
 * Reads a scanned or typed label as far as its text goes; surrounding white space is ignored. Whether
 * the key is a valid Ed25519 point and the id is derived from it is parseChipLabel's (chip-label.ts).
 */
export function parseChipLabelShape(text: unknown): ChipLabelParse {
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
    params.set(key, [...(params.get(key) ?? []), eq < 0 ? '' : part.slice(eq + 1)]);
  }
  const ids = params.get('id') ?? [];
  const pks = params.get('pk') ?? [];
  if (ids.length !== 1 || !CHIP_ID_PATTERN.test(ids[0])) return { ok: false, failure: 'bad_chip_id' };
  if (pks.length !== 1 || !PUBLIC_KEY_SHAPE.test(pks[0])) return { ok: false, failure: 'bad_public_key' };
  return { ok: true, chipId: ids[0], publicKey: pks[0] };
}
