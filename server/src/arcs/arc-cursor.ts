import { CursorShape, isCursorBigint, isCursorInstant, isCursorText } from '../common/http/keyset-cursor';

/**
 * The arc list's order, newest first, made unique by the arc's primary key: arcs of different chips
 * often start in the same second (and the scale data in the same microsecond).
 */
export const ARC_CURSOR: CursorShape<'startedAt' | 'chipId' | 'stopSeq'> = {
  startedAt: isCursorInstant,
  chipId: isCursorText(64), // arcs.chip_id varchar(64)
  stopSeq: isCursorBigint,
};
