import { CHIP_LABEL_FAILURES as PROTOCOL_FAILURES, type ChipLabelFailure } from '@arcgate/protocol/browser';

/**
 * The chip label QR code (docs/protocol.md §2.3), read with the protocol's own text rules. That the
 * id is the one derived from the key needs cryptography: the server checks it when binding (field
 * error chipId/chipIdMismatch), so the phone names only the other failures itself.
 */
export { parseChipLabelShape as parseChipLabel, type ChipLabelParse } from '@arcgate/protocol/browser';

export const CHIP_LABEL_FAILURES = PROTOCOL_FAILURES.filter(
  (f): f is Exclude<ChipLabelFailure, 'chip_id_mismatch'> => f !== 'chip_id_mismatch',
);

/** A chip id in groups of four after the C, easier to compare with the print: C47Z3 3QX1 AJH6 2RKB Z1A0. */
export function groupedChipId(chipId: string): string {
  return `${chipId.slice(0, 5)} ${chipId.slice(5).replace(/(.{4})(?=.)/g, '$1 ')}`;
}
