import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeviceEvent,
  EVENT_BATCH_MAX_DELAY_MS,
  EVENT_BATCH_MAX_EVENTS,
  EVENTS_ACK_TIMEOUT_MS,
} from '@arcgate/protocol';
import { EventSender, EventTransport } from './event-sender';
import { Journal } from './journal';
import { silentLogger } from './logger';
import type { EventDraft } from './state-machine.types';
import { ackFor, testKeys } from './testing/fixtures';

const keys = testKeys();
const beat = (): EventDraft => ({
  type: 'heartbeat',
  at: '2026-03-02T08:00:00.000Z',
  position: null,
  relayClosed: false,
  state: 'locked',
});

describe('EventSender', () => {
  let dir: string;
  let journal: Journal;
  let sent: { id: string; seqs: number[] }[];
  let transport: EventTransport & { online: boolean };
  let sender: EventSender;
  const recorded: EventDraft[] = [];

  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'sender-spec-'));
    journal = new Journal(dir);
    journal.open();
    sent = [];
    recorded.length = 0;
    transport = {
      online: true,
      send: async (_type, body: { events: DeviceEvent[] }, id: string) =>
        void sent.push({ id, seqs: body.events.map((e) => e.seq) }),
    };
    sender = new EventSender({
      journal,
      transport,
      log: silentLogger,
      record: (d) => void recorded.push(d),
      now: () => Date.parse('2026-03-02T08:00:00Z'),
      random: () => 0.5,
    });
  });
  afterEach(() => {
    sender.stop();
    journal.close();
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (n: number) => {
    for (let i = 0; i < n; i++) journal.append(beat());
    sender.notify();
  };

  it('batches events for at most 250 ms, one batch in flight, oldest first', () => {
    add(3);
    jest.advanceTimersByTime(EVENT_BATCH_MAX_DELAY_MS - 1);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent.map((s) => s.seqs)).toEqual([[1, 2, 3]]);
    add(2);
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1); // the first batch is still in flight
    sender.onAck(ackFor(keys, Date.now(), sent[0].id, 3));
    expect(journal.pending().map((e) => e.seq)).toEqual([4, 5]);
    expect(sent.map((s) => s.seqs)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('splits a long journal into batches of 100', () => {
    add(150);
    jest.advanceTimersByTime(EVENT_BATCH_MAX_DELAY_MS);
    expect(sent[0].seqs).toHaveLength(EVENT_BATCH_MAX_EVENTS);
    sender.onAck(ackFor(keys, Date.now(), sent[0].id, 100));
    expect(sent[1].seqs).toEqual(Array.from({ length: 50 }, (_, i) => 101 + i));
  });

  it('re-sends the same events in a new envelope when no ack comes, after a back-off', () => {
    add(2);
    jest.advanceTimersByTime(EVENT_BATCH_MAX_DELAY_MS);
    jest.advanceTimersByTime(EVENTS_ACK_TIMEOUT_MS);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(1000); // reconnect back-off of attempt 0 with r = 0.5
    expect(sent).toHaveLength(2);
    expect(sent[1].seqs).toEqual([1, 2]);
    expect(sent[1].id).not.toBe(sent[0].id);
    expect(journal.pending()).toHaveLength(2); // nothing deleted without an ack
  });

  it('holds events while offline and replays the whole journal on reconnect', () => {
    transport.online = false;
    add(3);
    jest.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
    transport.online = true;
    sender.onOnline();
    expect(sent.map((s) => s.seqs)).toEqual([[1, 2, 3]]);
  });

  it('sends missing seqs first and reports those it no longer has as journal.lost', () => {
    add(6);
    jest.advanceTimersByTime(EVENT_BATCH_MAX_DELAY_MS);
    sender.onAck(ackFor(keys, Date.now(), sent[0].id, 2, [4, 5]));
    expect(sent[1].seqs).toEqual([4, 5]);
    sender.onAck(ackFor(keys, Date.now(), sent[1].id, 6, [7, 8]));
    expect(recorded).toEqual([expect.objectContaining({ type: 'journal.lost', fromSeq: 7, toSeq: 8 })]);
  });

  it('a negative ack: the rejected events are moved aside and never sent again; the rest go on', () => {
    add(5);
    jest.advanceTimersByTime(EVENT_BATCH_MAX_DELAY_MS);
    expect(sent[0].seqs).toEqual([1, 2, 3, 4, 5]);
    // The server stored 1, 2, 4 and refused 3 and 5 (accounted for: the watermark passes them).
    sender.onAck(ackFor(keys, Date.now(), sent[0].id, 5, undefined, [3, 5]));
    expect(journal.pending()).toEqual([]);
    expect(journal.rejected().map((r) => r.event.seq)).toEqual([3, 5]);
    add(1);
    jest.advanceTimersByTime(EVENT_BATCH_MAX_DELAY_MS);
    expect(sent[1].seqs).toEqual([6]);
    // Rejected above the watermark (an earlier gap holds it back): still never re-sent, even after a timeout.
    sender.onAck(ackFor(keys, Date.now(), sent[1].id, 5, undefined, [6]));
    jest.advanceTimersByTime(EVENTS_ACK_TIMEOUT_MS * 4);
    expect(sent).toHaveLength(2);
    expect(journal.rejected().map((r) => r.event.seq)).toEqual([3, 5, 6]);
  });
});
