/**
 * Append-only event journal (§7.1): one JSON line per event in `journal.jsonl`, written with
 * writeSync + fsyncSync before the event is handed to the sender. `journal.meta.json` holds what
 * the server acknowledged and the next event seq, so seqs stay contiguous and never repeat across
 * restarts. Compaction after an ack rewrites the file without the acknowledged events (meta first,
 * then an atomic rename, so a crash in between only leaves events that recovery filters out).
 * Recovery ignores a torn last line (a crash mid-write: that event was never sent) and reports
 * seqs it can no longer find as lost ranges, which the agent journals as `journal.lost`.
 * Events the server refused (an events.ack's `rejected`) move to `journal.rejected.jsonl`: never
 * sent again, kept for inspection, and not counted as lost on recovery.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  ftruncateSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DeviceEvent } from '@arcgate/protocol';
import { fsyncDir, writeFileAtomicSync } from './fs-util';
import type { EventDraft } from './state-machine.types';

/** Free space below this counts as a full disk: room for thousands of events and a compaction's rewrite. */
export const JOURNAL_MIN_FREE_BYTES = 1024 * 1024;

export interface JournalMeta {
  /** Every event with seq ≤ ackedUpTo is stored on the server. */
  ackedUpTo: number;
  nextSeq: number;
}

export interface Recovery {
  pending: number;
  /** Bytes of a torn last line that were cut off. */
  tornBytes: number;
  /** Corrupt lines skipped. */
  corruptLines: number;
  /** Seq ranges that were written once but can no longer be read. */
  lost: { fromSeq: number; toSeq: number }[];
}

const isEvent = (v: unknown): v is DeviceEvent =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as DeviceEvent).seq) &&
  (v as DeviceEvent).seq >= 1 &&
  typeof (v as DeviceEvent).type === 'string';

export class Journal {
  private fd: number | null = null;
  private events: DeviceEvent[] = [];
  private meta: JournalMeta = { ackedUpTo: 0, nextSeq: 1 };
  private readonly file: string;
  private readonly metaFile: string;
  private readonly rejectedFile: string;

  /** Where open() had to leave the file (a torn tail) when it could not write; cut on the first re-open. */
  private truncateTo: number | null = null;
  /** open() ran and close() did not: a missing fd then means the disk refused, and health() retries. */
  private live = false;

  /** `openAppend` opens the journal file for appending (a seam for tests; fs.openSync by default). */
  constructor(
    private readonly dir: string,
    private readonly openAppend: (file: string) => number = (file) => openSync(file, 'a+', 0o600),
  ) {
    this.file = join(dir, 'journal.jsonl');
    this.metaFile = join(dir, 'journal.meta.json');
    this.rejectedFile = join(dir, 'journal.rejected.jsonl');
  }

  get nextSeq(): number {
    return this.meta.nextSeq;
  }

  get ackedUpTo(): number {
    return this.meta.ackedUpTo;
  }

  /** Un-acknowledged events, oldest first. */
  pending(): readonly DeviceEvent[] {
    return this.events;
  }

  open(): Recovery {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stored = existsSync(this.metaFile)
      ? (JSON.parse(readFileSync(this.metaFile, 'utf8')) as JournalMeta)
      : { ackedUpTo: 0, nextSeq: 1 };
    if (
      !Number.isSafeInteger(stored.ackedUpTo) ||
      !Number.isSafeInteger(stored.nextSeq) ||
      stored.nextSeq < stored.ackedUpTo + 1
    ) {
      throw new Error(`journal meta ${this.metaFile} is corrupt`);
    }
    const recovery: Recovery = { pending: 0, tornBytes: 0, corruptLines: 0, lost: [] };
    const text = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    const complete = text.lastIndexOf('\n') + 1;
    recovery.tornBytes = Buffer.byteLength(text.slice(complete), 'utf8');

    const rejected = this.rejectedSeqs();
    let expected = stored.ackedUpTo + 1;
    // Seqs moved aside as rejected are accounted for: no gap, no journal.lost.
    const skipRejected = () => {
      while (rejected.has(expected)) expected++;
    };
    skipRejected();
    const events: DeviceEvent[] = [];
    for (const line of text.slice(0, complete).split('\n')) {
      if (!line) continue;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        recovery.corruptLines++;
        continue;
      }
      if (!isEvent(event)) {
        recovery.corruptLines++;
        continue;
      }
      if (event.seq < expected || rejected.has(event.seq)) continue; // acknowledged or rejected before a compaction finished, or a duplicate
      if (event.seq > expected) recovery.lost.push({ fromSeq: expected, toSeq: event.seq - 1 });
      events.push(event);
      expected = event.seq + 1;
      skipRejected();
    }
    // Seqs handed out before the last compaction but found nowhere (the file was damaged).
    if (stored.nextSeq > expected) recovery.lost.push({ fromSeq: expected, toSeq: stored.nextSeq - 1 });
    this.meta = { ackedUpTo: stored.ackedUpTo, nextSeq: Math.max(stored.nextSeq, expected) };
    this.events = events;
    recovery.pending = events.length;

    // Cut the torn tail so the next line does not glue onto it.
    this.truncateTo = recovery.tornBytes > 0 ? Buffer.byteLength(text.slice(0, complete), 'utf8') : null;
    this.live = true;
    try {
      this.openForAppend();
    } catch {
      // A read-only or full disk: the events already journaled can still be sent, nothing new can be
      // made durable. health() says so (the agent then refuses to arm) and re-opens once it can.
      this.fd = null;
    }
    return recovery;
  }

  private openForAppend(): void {
    const fd = this.openAppend(this.file);
    try {
      if (this.truncateTo !== null) {
        ftruncateSync(fd, this.truncateTo);
        fsyncSync(fd);
      }
      fsyncDir(this.dir);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.truncateTo = null;
    this.fd = fd;
  }

  /** Assigns the next seq and makes the event durable; only then is it returned (and may be sent). */
  append(draft: EventDraft): DeviceEvent {
    if (this.fd === null) throw new Error('journal is not open');
    const event = { seq: this.meta.nextSeq, ...draft };
    const line = `${JSON.stringify(event)}\n`;
    const size = fstatSync(this.fd).size;
    try {
      writeSync(this.fd, line);
      fsyncSync(this.fd);
    } catch (err) {
      // Do not leave half a line behind; the seq is not consumed.
      try {
        ftruncateSync(this.fd, size);
      } catch {
        // the disk is gone; recovery will cut the torn line
      }
      throw err;
    }
    this.meta.nextSeq++;
    this.events.push(event);
    return event;
  }

  /** Deletes every event with seq ≤ upToSeq (a verified events.ack); returns how many were removed. */
  ack(upToSeq: number): number {
    if (this.fd === null) throw new Error('journal is not open');
    const upTo = Math.min(upToSeq, this.meta.nextSeq - 1);
    if (upTo <= this.meta.ackedUpTo) return 0;
    const before = this.events.length;
    const remaining = this.events.filter((e) => e.seq > upTo);
    writeFileAtomicSync(this.metaFile, `${JSON.stringify({ ackedUpTo: upTo, nextSeq: this.meta.nextSeq })}\n`);
    this.meta.ackedUpTo = upTo;
    this.events = remaining;
    // The rewrite is housekeeping: if it fails (read-only or full disk) the old file and its open fd
    // stay in use; recovery skips the acknowledged seqs in it. The error still reaches the caller.
    writeFileAtomicSync(this.file, remaining.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const fd = openSync(this.file, 'a+', 0o600);
    closeSync(this.fd);
    this.fd = fd;
    return before - remaining.length;
  }

  /**
   * The server refused these events (negative ack): they go, durably, to journal.rejected.jsonl with
   * the time and the answering ack's id, and out of the pending list and the journal file, so they
   * are never sent again. Returns the events moved.
   */
  reject(seqs: readonly number[], note: { at: string; ackId: string }): DeviceEvent[] {
    const wanted = new Set(seqs);
    const moved = this.events.filter((e) => wanted.has(e.seq));
    if (!moved.length) return [];
    const fd = openSync(this.rejectedFile, 'a', 0o600);
    try {
      writeSync(
        fd,
        moved.map((event) => `${JSON.stringify({ rejectedAt: note.at, ackId: note.ackId, event })}\n`).join(''),
      );
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(this.dir);
    this.events = this.events.filter((e) => !wanted.has(e.seq));
    // Housekeeping as in ack(): should the rewrite fail, recovery still skips the seqs listed as rejected.
    writeFileAtomicSync(this.file, this.events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    if (this.fd !== null) {
      const fdNew = openSync(this.file, 'a+', 0o600);
      closeSync(this.fd);
      this.fd = fdNew;
    }
    return moved;
  }

  /** Events the server refused, as kept for inspection (oldest first). */
  rejected(): { rejectedAt: string; ackId: string; event: DeviceEvent }[] {
    if (!existsSync(this.rejectedFile)) return [];
    return readFileSync(this.rejectedFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          const v = JSON.parse(line) as { rejectedAt: string; ackId: string; event: DeviceEvent };
          return isEvent(v?.event) ? [v] : [];
        } catch {
          return []; // a torn last line: that event was not yet moved, it is still in the journal
        }
      });
  }

  private rejectedSeqs(): Set<number> {
    return new Set(this.rejected().map((r) => r.event.seq));
  }

  /**
   * Whether new events can be made durable: the directory is writable (catches a read-only mount)
   * and has room (catches a full disk) — cheap enough for every loop while the relay is closed.
   * Returns the problem, or null.
   */
  health(minFreeBytes = JOURNAL_MIN_FREE_BYTES): string | null {
    if (this.fd === null) {
      if (!this.live) return 'journal is not open';
      try {
        this.openForAppend();
      } catch (err) {
        return `journal cannot be opened for writing: ${(err as Error).message}`;
      }
    }
    try {
      accessSync(this.dir, constants.W_OK);
      const fs = statfsSync(this.dir);
      const free = fs.bavail * fs.bsize;
      if (free < minFreeBytes) return `only ${free} bytes free`;
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.live = false;
  }
}
