import { DeviceEvent } from '@arcgate/protocol';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { ChipsRepository } from '../devices/chips.repository';
import { TelemetryRepository } from './telemetry.repository';
import { IngestItem } from './telemetry.types';

const CHIPS = 200;
const PER_CHIP = 50;
const BATCH = 25;

function heartbeats(from: number, to: number, t0: number): DeviceEvent[] {
  const out: DeviceEvent[] = [];
  for (let seq = from; seq <= to; seq++) {
    const at = new Date(t0 + seq * 1000).toISOString();
    out.push(
      seq % 2
        ? {
            seq,
            type: 'heartbeat',
            at,
            position: { lat: 34.17, lng: 116.0, accuracyM: 4, fixAt: at },
            relayClosed: false,
            state: 'locked',
          }
        : { seq, type: 'gas.reading', at, percentLel: 1.5, limitPercentLel: 10 },
    );
  }
  return out;
}

/** The batched write itself, at fleet scale: many chips per flush, concurrent flushes, re-deliveries. */
describe('TelemetryRepository.store (batched, exactly once)', () => {
  let t: TestApp;
  let repo: TelemetryRepository;
  const chips = Array.from({ length: CHIPS }, (_, i) => `STORETEST${String(i).padStart(4, '0')}`);
  // Chips of the tests below, each starting from seq 1 (the tests run alone as well as in order).
  const extra = Array.from({ length: 303 }, (_, i) => `STOREXTRA${String(i).padStart(4, '0')}`);
  const machineId = randomUUID();
  const t0 = Date.now() - 3600_000;

  beforeAll(async () => {
    t = await createTestApp({ seed: false });
    repo = t.app.get(TelemetryRepository);
    await t.ds.query(`INSERT INTO chips (chip_id, public_key) SELECT unnest($1::varchar[]), 'k'`, [
      [...chips, ...extra],
    ]);
  });
  afterAll(async () => t?.close());

  const item = (chipId: string, events: DeviceEvent[]): IngestItem => ({
    chipId,
    machineId,
    enterpriseId: randomUUID(),
    envelopeId: randomUUID(),
    events,
    receivedAt: new Date(),
  });

  it('stores concurrent multi-chip flushes once, advances every watermark, and a re-delivery adds nothing', async () => {
    const items: IngestItem[] = [];
    for (let from = 1; from <= PER_CHIP; from += BATCH)
      for (const c of chips) items.push(item(c, heartbeats(from, from + BATCH - 1, t0)));
    // Four flushes at once, as the ingest runs them; each holds a slice of every chip's batches.
    const slices = [0, 1, 2, 3].map((k) => items.filter((_, i) => i % 4 === k));
    const started = process.hrtime.bigint();
    const results = await Promise.all(slices.map((s) => repo.store(s)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      `telemetry store: ${CHIPS * PER_CHIP} events in 4 concurrent flushes: ${ms.toFixed(0)} ms (${Math.round((CHIPS * PER_CHIP) / (ms / 1000))} events/s)\n`,
    );

    expect(results.reduce((a, r) => a + r.stored.length, 0)).toBe(CHIPS * PER_CHIP);
    const counts = await t.ds.query(
      `SELECT (SELECT count(*)::int FROM device_events WHERE chip_id = ANY($1)) AS events, (SELECT count(*)::int FROM device_event_seqs WHERE chip_id = ANY($1)) AS seqs,
      (SELECT count(*)::int FROM chips WHERE chip_id = ANY($1) AND last_seq = $2) AS at_watermark`,
      [chips, PER_CHIP],
    );
    expect(counts[0]).toEqual({ events: CHIPS * PER_CHIP, seqs: CHIPS * PER_CHIP, at_watermark: CHIPS });
    const [row] = await t.ds.query(
      `SELECT payload, machine_id, type FROM device_events WHERE chip_id = $1 AND seq = 1`,
      [chips[0]],
    );
    expect(row).toMatchObject({
      machine_id: machineId,
      type: 'heartbeat',
      payload: { seq: 1, type: 'heartbeat', position: { lat: 34.17 } },
    });

    // Re-delivery of everything (the devices missed their acks): nothing new, the watermark answers each chip.
    const again = await repo.store(items.filter((_, i) => i % 3 === 0));
    expect(again.stored).toHaveLength(0);
    for (const w of again.watermarks.values()) expect(w).toEqual({ upToSeq: PER_CHIP, missing: [] });
    const after = await t.ds.query(`SELECT count(*)::int AS n FROM device_events WHERE chip_id = ANY($1)`, [chips]);
    expect(after[0].n).toBe(CHIPS * PER_CHIP);
  });

  it('lists the gap above the watermark and closes it when the missing events arrive', async () => {
    const c = chips[1];
    const first = await repo.store([item(c, heartbeats(PER_CHIP + 3, PER_CHIP + 4, t0))]);
    expect(first.watermarks.get(c)).toEqual({ upToSeq: PER_CHIP, missing: [PER_CHIP + 1, PER_CHIP + 2] });
    const second = await repo.store([item(c, heartbeats(PER_CHIP + 1, PER_CHIP + 2, t0))]);
    expect(second.watermarks.get(c)).toEqual({ upToSeq: PER_CHIP + 4, missing: [] });
  });

  it('COPY stores a payload with backslashes, tabs and newlines as sent, and a batch re-sent within and across concurrent flushes once', async () => {
    const c = extra[0];
    const odd = { ...heartbeats(1, 1, t0)[0], note: 'C:\\dir\tcol\nline\r"quoted"' } as unknown as DeviceEvent;
    const batch = [odd, ...heartbeats(2, 10, t0)];
    // The same batch twice in one flush and once more in each of three flushes running at once.
    const results = await Promise.all([
      repo.store([item(c, batch), item(c, batch)]),
      repo.store([item(c, batch)]),
      repo.store([item(c, batch)]),
      repo.store([item(c, batch)]),
    ]);
    expect(results.reduce((a, r) => a + r.stored.length, 0)).toBe(batch.length);
    for (const r of results) expect(r.watermarks.get(c)).toEqual({ upToSeq: 10, missing: [] });
    const [n] = await t.ds.query(
      `SELECT (SELECT count(*)::int FROM device_events WHERE chip_id = $1) AS events,
              (SELECT count(*)::int FROM device_event_seqs WHERE chip_id = $1) AS seqs`,
      [c],
    );
    expect(n).toEqual({ events: batch.length, seqs: batch.length });
    const [row] = await t.ds.query(`SELECT payload FROM device_events WHERE chip_id = $1 AND seq = 1`, [c]);
    expect(row.payload).toEqual(JSON.parse(JSON.stringify(odd)));
    // The chip's row took the newest position and state (seq 9, the last heartbeat).
    const [chip] = await t.ds.query(`SELECT state, last_position_at, state_at FROM chips WHERE chip_id = $1`, [c]);
    expect(chip.state).toBe('locked');
    expect(new Date(chip.state_at).toISOString()).toBe(batch[8].at);
    expect(new Date(chip.last_position_at).toISOString()).toBe(batch[8].at);
  });

  it('accounts for rejected seqs without storing them, and the watermark passes them', async () => {
    const c = extra[1];
    const events = heartbeats(1, 3, t0).filter((e) => e.seq !== 2);
    const r = await repo.store([{ ...item(c, events), rejected: [2] }]);
    expect(r.stored.map((s) => s.event.seq)).toEqual([1, 3]);
    expect(r.watermarks.get(c)).toEqual({ upToSeq: 3, missing: [] });
    const [n] = await t.ds.query(`SELECT count(*)::int AS n FROM device_events WHERE chip_id = $1`, [c]);
    expect(n.n).toBe(2);
  });

  it('concurrent flushes over the same chips in opposite orders, with the message-seq recorder, never deadlock', async () => {
    const some = extra.slice(3);
    // Disjoint seqs per flush, so no flush waits for another's seq claims: all reach the chip rows at once.
    const flushes = Array.from({ length: 8 }, (_, k) =>
      (k % 2 ? [...some].reverse() : some).map((c) => item(c, heartbeats(k * 5 + 1, k * 5 + 5, t0))),
    );
    const chipsRepo = t.app.get(ChipsRepository);
    const seqRows = (reverse: boolean) =>
      (reverse ? [...some].reverse() : some).map((chipId, i) => ({ chipId, seq: i + 1, at: new Date() }));
    const settled = await Promise.allSettled([
      ...flushes.map((f) => repo.store(f)),
      chipsRepo.recordMessageSeqs(seqRows(true)),
      chipsRepo.recordMessageSeqs(seqRows(false)),
    ]);
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(failed.map((f) => String((f.reason as Error).message))).toEqual([]);
    const [n] = await t.ds.query(
      `SELECT count(*)::int AS events, count(*) FILTER (WHERE c.last_seq = 40)::int AS at_watermark
         FROM device_events e JOIN chips c USING (chip_id) WHERE chip_id = ANY($1)`,
      [some],
    );
    expect(n.events).toBe(some.length * 40);
  });
});
