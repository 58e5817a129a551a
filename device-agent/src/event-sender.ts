/**
 * Sends journaled events (§7.2, §7.3): oldest first, one batch in flight, a batch closed at 100
 * events / 16 KiB / 250 ms after its first event; without a verified events.ack within 5 s the same
 * events go again in a new envelope, with the reconnect back-off between repeated failures. After
 * a reconnect the whole journal is replayed in order. Deletion happens only on a verified ack; events
 * a verified ack names as `rejected` are moved aside by the journal and never sent again.
 */
import {
  batchEvents,
  DeviceEvent,
  EVENT_BATCH_MAX_DELAY_MS,
  EVENTS_ACK_TIMEOUT_MS,
  EventsAckMessage,
  newMessageId,
  reconnectDelayMs,
} from '@arcgate/protocol';
import type { Journal } from './journal';
import type { Logger } from './logger';
import type { EventDraft } from './state-machine.types';

export interface EventTransport {
  readonly online: boolean;
  /** Publishes a new signed `events` envelope with this id (next message seq, fresh ts). */
  send(type: 'events', body: { events: DeviceEvent[] }, id: string): Promise<unknown>;
}

export interface EventSenderOptions {
  journal: Journal;
  transport: EventTransport;
  log: Logger;
  /** Journals an event through the agent (used for journal.lost). */
  record: (draft: EventDraft) => void;
  /** A journal operation failed outside append (compaction after an ack): the agent re-checks its health. */
  onJournalError?: (err: Error) => void;
  now: () => number;
  random?: () => number;
}

export class EventSender {
  private inFlight: { id: string; seqs: number[]; timer: NodeJS.Timeout } | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Seqs the server reported missing: sent before anything else. */
  private priority = new Set<number>();
  private stopped = false;

  constructor(private readonly o: EventSenderOptions) {}

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** A new event is in the journal: send it within EVENT_BATCH_MAX_DELAY_MS. */
  notify(): void {
    if (this.stopped || this.flushTimer || this.inFlight || !this.o.transport.online) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, EVENT_BATCH_MAX_DELAY_MS);
  }

  /** After (re)connect: replay the whole journal, in order. */
  onOnline(): void {
    this.clearInFlight();
    this.failures = 0;
    this.flush();
  }

  onOffline(): void {
    this.clearInFlight();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  stop(): void {
    this.stopped = true;
    this.onOffline();
  }

  /** A verified events.ack: delete what it covers, queue what it lists as missing, send on. */
  onAck(ack: EventsAckMessage): void {
    const { upToSeq, missing = [], rejected = [] } = ack.body;
    if (rejected.length) {
      // A negative ack: re-sending would be refused forever. Kept aside (journal.rejected.jsonl) for inspection.
      try {
        const moved = this.o.journal.reject(rejected, { at: new Date(this.o.now()).toISOString(), ackId: ack.id });
        this.o.log.error('events rejected by the server; kept aside, not re-sent', {
          seqs: rejected.join(','),
          moved: moved.length,
          types: [...new Set(moved.map((e) => e.type))].join(','),
        });
      } catch (err) {
        this.o.log.error('rejected events could not be moved aside', {
          error: (err as Error).message,
          seqs: rejected.join(','),
        });
        this.o.onJournalError?.(err as Error);
      }
    }
    let removed = 0;
    try {
      removed = this.o.journal.ack(upToSeq);
    } catch (err) {
      // Never a crash: the acknowledged events stay in the file (recovery skips them) and appends go on there.
      this.o.log.error('journal compaction failed', { error: (err as Error).message, upToSeq });
      this.o.onJournalError?.(err as Error);
    }
    this.o.log.debug('events acknowledged', { upToSeq, removed, missing: missing.length });
    const held = new Set(this.o.journal.pending().map((e) => e.seq));
    const gone = missing.filter((seq) => !held.has(seq));
    missing.filter((seq) => held.has(seq)).forEach((seq) => this.priority.add(seq));
    for (const range of toRanges(gone))
      this.o.record({ type: 'journal.lost', at: new Date(this.o.now()).toISOString(), ...range });
    if (this.inFlight && this.inFlight.id === ack.body.requestId) {
      this.clearInFlight();
      this.failures = 0;
    }
    this.flush();
  }

  flush(): void {
    if (this.stopped || this.inFlight || !this.o.transport.online) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const pending = this.o.journal.pending();
    if (pending.length === 0) return;
    const prioritized = this.priority.size ? pending.filter((e) => this.priority.has(e.seq)) : [];
    this.priority.clear();
    const [batch] = batchEvents(prioritized.length ? prioritized : pending);
    const seqs = batch.map((e) => e.seq);
    // The id is drawn here so an ack that overtakes the PUBACK still matches the batch in flight.
    const id = newMessageId();
    this.inFlight = { id, seqs, timer: setTimeout(() => this.onAckTimeout(), EVENTS_ACK_TIMEOUT_MS) };
    this.o.transport
      .send('events', { events: batch }, id)
      .catch((err: Error) => this.o.log.warn('events publish failed', { error: err.message }));
  }

  private onAckTimeout(): void {
    if (!this.inFlight) return;
    this.o.log.warn('no events.ack in time; re-sending', {
      seqs: `${this.inFlight.seqs[0]}..${this.inFlight.seqs.at(-1)}`,
    });
    this.inFlight = null;
    const delay = reconnectDelayMs(this.failures++, (this.o.random ?? Math.random)());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, delay);
  }

  private clearInFlight(): void {
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null;
  }
}

function toRanges(seqs: number[]): { fromSeq: number; toSeq: number }[] {
  const ranges: { fromSeq: number; toSeq: number }[] = [];
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && seq === last.toSeq + 1) last.toSeq = seq;
    else ranges.push({ fromSeq: seq, toSeq: seq });
  }
  return ranges;
}
