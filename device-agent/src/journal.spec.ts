import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageCounter } from './counter';
import { Journal } from './journal';
import type { EventDraft } from './state-machine.types';

const beat = (i: number): EventDraft => ({
  type: 'heartbeat',
  at: new Date(Date.UTC(2026, 2, 2, 8, 0, i)).toISOString(),
  position: null,
  relayClosed: false,
  state: 'locked',
});
const lines = (dir: string) =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { seq: number });

describe('Journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves rejected events aside durably: not pending, not re-read, not reported lost after a restart', () => {
    const j = new Journal(dir);
    j.open();
    for (let i = 0; i < 5; i++) j.append(beat(i));
    expect(j.reject([2, 4, 99], { at: '2026-03-02T08:01:00.000Z', ackId: 'ack-1' }).map((e) => e.seq)).toEqual([2, 4]);
    expect(j.pending().map((e) => e.seq)).toEqual([1, 3, 5]);
    expect(lines(dir).map((e) => e.seq)).toEqual([1, 3, 5]);
    j.close();
    const again = new Journal(dir);
    const recovery = again.open();
    expect(recovery.lost).toEqual([]);
    expect(again.pending().map((e) => e.seq)).toEqual([1, 3, 5]);
    expect(again.rejected()).toEqual([
      expect.objectContaining({
        ackId: 'ack-1',
        rejectedAt: '2026-03-02T08:01:00.000Z',
        event: expect.objectContaining({ seq: 2 }),
      }),
      expect.objectContaining({ event: expect.objectContaining({ seq: 4 }) }),
    ]);
    // A crash between writing the rejected file and rewriting the journal: recovery still skips them.
    writeFileSync(
      join(dir, 'journal.jsonl'),
      [1, 2, 3, 4, 5].map((seq) => JSON.stringify({ seq, ...beat(seq) })).join('\n') + '\n',
    );
    again.close();
    const third = new Journal(dir);
    expect(third.open().lost).toEqual([]);
    expect(third.pending().map((e) => e.seq)).toEqual([1, 3, 5]);
    expect(third.append(beat(6)).seq).toBe(6);
    third.close();
  });

  it('a failing compaction throws but leaves the journal usable; recovery skips the acknowledged events', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3].forEach((i) => j.append(beat(i)));
    // The rewrite's temp file cannot be created (as on a read-only or full disk).
    require('node:fs').mkdirSync(join(dir, 'journal.jsonl.tmp'));
    expect(() => j.ack(2)).toThrow();
    expect(j.pending().map((e) => e.seq)).toEqual([3]);
    expect(j.append(beat(4)).seq).toBe(4);
    expect(j.health()).toBeNull();
    j.close();
    const again = new Journal(dir);
    expect(again.open()).toMatchObject({ pending: 2, lost: [] });
    expect(again.pending().map((e) => e.seq)).toEqual([3, 4]);
    again.close();
  });

  it('opens on a disk that refuses writes (read-only at start): pending events stay, health says why, it re-opens once it can', () => {
    const first = new Journal(dir);
    first.open();
    [1, 2].forEach((i) => first.append(beat(i)));
    first.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"seq":3,"type":"heartbe');
    let refuse = true;
    const open = (file: string) => {
      if (refuse) throw Object.assign(new Error(`EROFS: read-only file system, open '${file}'`), { code: 'EROFS' });
      return require('node:fs').openSync(file, 'a+', 0o600) as number;
    };
    const j = new Journal(dir, open);
    expect(j.open()).toMatchObject({ pending: 2, tornBytes: 24 });
    expect(j.health()).toMatch(/cannot be opened for writing: EROFS/);
    expect(() => j.append(beat(3))).toThrow(/not open/);
    refuse = false;
    expect(j.health()).toBeNull();
    // The torn tail is cut on the re-open, so the next line starts clean.
    expect(j.append(beat(3)).seq).toBe(3);
    expect(lines(dir).map((e) => e.seq)).toEqual([1, 2, 3]);
    j.close();
  });

  it('reports an unwritable or closed journal in its health check', () => {
    const j = new Journal(dir);
    expect(j.health()).toBe('journal is not open');
    j.open();
    expect(j.health()).toBeNull();
    expect(j.health(Number.MAX_SAFE_INTEGER)).toMatch(/bytes free/);
    j.close();
  });

  it('appends one JSON line per event, durable before append() returns, seqs from 1', () => {
    const j = new Journal(dir);
    expect(j.open()).toEqual({ pending: 0, tornBytes: 0, corruptLines: 0, lost: [] });
    const e1 = j.append(beat(1));
    const e2 = j.append({ type: 'tamper', at: beat(2).at, switch: 'enclosure', open: true });
    expect([e1.seq, e2.seq]).toEqual([1, 2]);
    // Already in the file (written with writeSync + fsyncSync, not buffered).
    expect(lines(dir).map((e) => e.seq)).toEqual([1, 2]);
    expect(statSync(join(dir, 'journal.jsonl')).mode & 0o777).toBe(0o600);
    expect(j.pending().map((e) => e.type)).toEqual(['heartbeat', 'tamper']);
    j.close();
  });

  it('keeps seqs monotonic and pending events across a restart', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3].forEach((i) => j.append(beat(i)));
    j.close();
    const again = new Journal(dir);
    expect(again.open().pending).toBe(3);
    expect(again.append(beat(4)).seq).toBe(4);
    expect(again.pending().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    again.close();
  });

  it('compacts after an ack and never reuses an acknowledged seq, even with an empty journal', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3, 4].forEach((i) => j.append(beat(i)));
    expect(j.ack(2)).toBe(2);
    expect(lines(dir).map((e) => e.seq)).toEqual([3, 4]);
    expect(j.ack(2)).toBe(0);
    expect(j.ack(99)).toBe(2); // clamped to what was written
    expect(lines(dir)).toEqual([]);
    j.close();
    const again = new Journal(dir);
    expect(again.open()).toMatchObject({ pending: 0, lost: [] });
    expect(again.append(beat(5)).seq).toBe(5);
    again.close();
  });

  it('ignores a torn last line after a crash mid-write and reuses its seq (it was never sent)', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3].forEach((i) => j.append(beat(i)));
    j.close();
    const file = join(dir, 'journal.jsonl');
    const size = statSync(file).size;
    truncateSync(file, size - 20); // the third line loses its end
    const again = new Journal(dir);
    const recovery = again.open();
    expect(recovery.pending).toBe(2);
    expect(recovery.tornBytes).toBeGreaterThan(0);
    expect(recovery.lost).toEqual([]);
    expect(again.append(beat(9)).seq).toBe(3);
    expect(lines(dir).map((e) => e.seq)).toEqual([1, 2, 3]); // the torn tail was cut, the new line is whole
    again.close();
  });

  it('reports seqs it can no longer read as lost ranges', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3, 4, 5].forEach((i) => j.append(beat(i)));
    j.close();
    const file = join(dir, 'journal.jsonl');
    const kept = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    writeFileSync(file, [kept[0], '{"seq":2,"type":"heart', kept[3], kept[4]].join('\n') + '\n');
    const again = new Journal(dir);
    const recovery = again.open();
    expect(recovery).toMatchObject({ pending: 3, corruptLines: 1, lost: [{ fromSeq: 2, toSeq: 3 }] });
    expect(again.append(beat(6)).seq).toBe(6);
    again.close();
  });

  it('survives a crash between writing the ack and rewriting the file', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3, 4].forEach((i) => j.append(beat(i)));
    j.close();
    // As if the process died right after the meta file was replaced: the journal still holds 1..4.
    writeFileSync(join(dir, 'journal.meta.json'), JSON.stringify({ ackedUpTo: 3, nextSeq: 5 }));
    const again = new Journal(dir);
    expect(again.open()).toMatchObject({ pending: 1, lost: [] });
    expect(again.pending().map((e) => e.seq)).toEqual([4]);
    again.close();
  });

  it('reports events lost when the file vanished after a compaction', () => {
    const j = new Journal(dir);
    j.open();
    [1, 2, 3].forEach((i) => j.append(beat(i)));
    j.ack(1);
    appendFileSync(join(dir, 'journal.jsonl'), '');
    j.close();
    rmSync(join(dir, 'journal.jsonl'));
    const again = new Journal(dir);
    expect(again.open().lost).toEqual([{ fromSeq: 2, toSeq: 3 }]);
    expect(again.append(beat(4)).seq).toBe(4);
    again.close();
  });
});

describe('MessageCounter', () => {
  it('never hands out a seq twice across restarts (persisted in blocks before use)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'counter-spec-'));
    try {
      const file = join(dir, 'message-seq.json');
      const a = new MessageCounter(file, 10);
      a.open();
      const first = [a.take(), a.take(), a.take()];
      expect(first).toEqual([1, 2, 3]);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ reservedUpTo: 10 });
      const b = new MessageCounter(file, 10);
      b.open(); // a crashed with 3 used and 10 reserved
      expect(b.take()).toBe(11);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ reservedUpTo: 20 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
