import { Injectable } from '@nestjs/common';
import { SEQ_REPLAY_WINDOW } from '@arcgate/protocol';

/** Seqs below the highest one seen that may still arrive late (reordered by the broker or by concurrent handling). */
export const SEQ_WINDOW = SEQ_REPLAY_WINDOW;
/** Chips whose windows are kept; beyond that the least recently used is dropped and re-seeded from the database. */
const MAX_CHIPS = 200_000;

export type SeqVerdict =
  /** Never seen: process it. */
  | 'new'
  /** The same (seq, id) again: a QoS 1 re-delivery or an identical retry; answer it again, idempotently. */
  | 'duplicate'
  /** The seq was used by another message, or is too old to tell: SEQ_REPLAYED. */
  | 'replayed';

interface Window {
  top: number;
  /** Seqs at or below this were used before the window was seeded (the last one the database recorded). */
  floor: number;
  /** seq → message id of every seq seen in (top − SEQ_WINDOW, top]. */
  seen: Map<number, string>;
}

/**
 * The envelope seq rule of §5.3/§11 for every device → server message: each seq is used by one
 * message only. A sliding window (as IPsec's anti-replay window) accepts seqs that arrive out of
 * order within SEQ_WINDOW of the highest, answers an identical re-delivery as a duplicate, and
 * refuses a seq used by another message or older than the window. Seeded per chip from the last
 * seq the database recorded, so a restart does not reopen old seqs (see seed() for replicas).
 */
@Injectable()
export class MessageSeqWindow {
  private readonly windows = new Map<string, Window>();

  /** Whether the chip already has a window (no database seed needed). */
  has(chipId: string): boolean {
    return this.windows.has(chipId);
  }

  /**
   * Starts a chip's window above the last seq recorded for it (call once, before the first check).
   * `othersActive`: another replica is receiving this chip's messages right now (it recorded one a
   * moment ago). Its status messages reach every replica, and its up messages are shared between them,
   * so the recorded seq may already count messages that are still on their way to this replica. The
   * window then starts SEQ_WINDOW below that seq instead of at it: those late messages are accepted
   * once, as on the replica that recorded them, and replays of events and arm requests are still
   * refused by the database (device_event_seqs, arm_nonces).
   */
  seed(chipId: string, lastRecordedSeq: number, othersActive = false): void {
    if (this.windows.has(chipId)) return;
    if (this.windows.size >= MAX_CHIPS) this.windows.delete(this.windows.keys().next().value as string);
    const floor = othersActive ? Math.max(0, lastRecordedSeq - SEQ_WINDOW) : lastRecordedSeq;
    this.windows.set(chipId, { top: lastRecordedSeq, floor, seen: new Map() });
  }

  /** Checks and, when new, records the seq; synchronous, so concurrent messages of one chip cannot both pass. */
  check(chipId: string, seq: number, id: string): SeqVerdict {
    let w = this.windows.get(chipId);
    if (!w) {
      this.seed(chipId, 0);
      w = this.windows.get(chipId)!;
    } else {
      // Most recently used last: eviction drops idle chips first.
      this.windows.delete(chipId);
      this.windows.set(chipId, w);
    }
    const known = w.seen.get(seq);
    if (known !== undefined) return known === id ? 'duplicate' : 'replayed';
    if (seq <= w.floor || seq <= w.top - SEQ_WINDOW) return 'replayed';
    w.seen.set(seq, id);
    if (seq > w.top) {
      w.top = seq;
      for (const s of w.seen.keys()) if (s <= w.top - SEQ_WINDOW) w.seen.delete(s);
    }
    return 'new';
  }
}
