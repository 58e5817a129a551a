import { batchEvents, DeviceEvent } from '@arcgate/protocol';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { SimDevice } from './device';
import { SITE } from './provision';
import { sleep, waitFor } from './stats';

export interface IngestResult {
  events: number;
  batches: number;
  eventsPerBatch: number;
  seconds: number;
  eventsPerSecond: number;
  resends: number;
  unacked: number;
  /** Rows after the run; with every batch acked they must equal `events`, and never fall below the acked count. */
  stored: { deviceEvents: number; eventSeqs: number; chipsAtWatermark: number };
  replay: { batches: number; events: number; acked: number; deviceEventsAfter: number; eventSeqsAfter: number };
  zeroLoss: boolean;
  exactlyOnce: boolean;
}

interface Batch {
  device: SimDevice;
  id: string;
  payload: string;
  lastSeq: number;
  events: number;
  acked: boolean;
}

/** Periodic telemetry a locked device journals: heartbeats with a fix and gas readings below the limit. */
function eventsFor(count: number, t0: number): DeviceEvent[] {
  const out: DeviceEvent[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const at = new Date(t0 + seq * 1000).toISOString();
    out.push(
      seq % 2
        ? {
            seq,
            type: 'heartbeat',
            at,
            position: { lat: SITE.lat, lng: SITE.lng, accuracyM: 4, fixAt: at },
            relayClosed: false,
            state: 'locked',
          }
        : { seq, type: 'gas.reading', at, percentLel: 1.5, limitPercentLel: 10 },
    );
  }
  return out;
}

const RESEND_AFTER_MS = 10_000;

/**
 * Every device sends its journal (events seq 1..n in protocol-sized batches, signed before the
 * clock starts) with one batch in flight, the next as soon as the ack covers it; a batch not acked
 * within 10 s is re-sent unchanged (as the device agent does). Throughput = events / (first publish
 * → last ack). Then: every event stored exactly once (device_events, device_event_seqs, watermarks),
 * and re-sending 5 % of the batches adds nothing.
 */
export async function ingestPhase(
  devices: SimDevice[],
  databaseUrl: string,
  o: { totalEvents: number; deadlineMs: number; replayShare: number },
): Promise<IngestResult> {
  const perDevice = Math.ceil(o.totalEvents / devices.length);
  const queues: Batch[][] = [];
  const t0 = Date.now() - perDevice * 1000;
  for (const device of devices) {
    queues.push(
      batchEvents(eventsFor(perDevice, t0)).map((events) => {
        const env = device.sign('events', { events });
        return {
          device,
          id: env.id,
          payload: JSON.stringify(env),
          lastSeq: events[events.length - 1].seq,
          events: events.length,
          acked: false,
        };
      }),
    );
  }
  const all = queues.flat();
  const total = all.reduce((a, b) => a + b.events, 0);

  let acked = 0;
  let resends = 0;
  let lastAck = 0;
  const started = performance.now();
  const deadline = started + o.deadlineMs;
  const sendFrom = (q: Batch[], i: number) => {
    if (i >= q.length || performance.now() > deadline) return;
    const b = q[i];
    const retry = setTimeout(() => {
      resends++;
      b.device.forget(b.id);
      sendFrom(q, i);
    }, RESEND_AFTER_MS);
    b.device.send('events', b.payload, b.id, (m, at) => {
      clearTimeout(retry);
      if (Number(m.body?.upToSeq) >= b.lastSeq) {
        acked += b.events;
        b.acked = true;
        lastAck = at;
        sendFrom(q, i + 1);
      } else {
        // The ack says something is missing below this batch: the device would re-send; count and retry.
        resends++;
        setTimeout(() => sendFrom(q, i), 100);
      }
    });
  };
  queues.forEach((q) => sendFrom(q, 0));
  await waitFor(() => acked >= total, o.deadlineMs, 50);
  const seconds = ((lastAck || performance.now()) - started) / 1000;

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const chips = devices.map((d) => d.chip);
    // Batches still queued in the server (sent before the deadline, unacked) land now: count once it is quiet.
    await untilSettled(databaseUrl, 'SELECT count(*) AS n FROM device_event_seqs WHERE chip_id = ANY($1)', 60_000, [
      chips,
    ]);
    const count = async () => {
      const e = await db.query<{ n: string }>('SELECT count(*) AS n FROM device_events WHERE chip_id = ANY($1)', [
        chips,
      ]);
      const s = await db.query<{ n: string }>('SELECT count(*) AS n FROM device_event_seqs WHERE chip_id = ANY($1)', [
        chips,
      ]);
      return { deviceEvents: Number(e.rows[0].n), eventSeqs: Number(s.rows[0].n) };
    };
    const w = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM chips WHERE chip_id = ANY($1) AND last_seq = $2',
      [chips, perDevice],
    );
    const stored = { ...(await count()), chipsAtWatermark: Number(w.rows[0].n) };

    // Exactly once: re-send a share of the acked batches unchanged (a device that missed the acks) and wait for their acks.
    const replay = all.filter((b, i) => b.acked && i % Math.round(1 / o.replayShare) === 0);
    let replayAcked = 0;
    for (const b of replay) b.device.send('events', b.payload, b.id, () => replayAcked++);
    await waitFor(() => replayAcked >= replay.length, 30_000, 50);
    await untilSettled(databaseUrl, 'SELECT count(*) AS n FROM device_event_seqs WHERE chip_id = ANY($1)', 30_000, [
      chips,
    ]);
    const after = await count();
    return {
      events: total,
      batches: all.length,
      eventsPerBatch: total / all.length,
      seconds,
      eventsPerSecond: acked / seconds,
      resends,
      unacked: total - acked,
      stored,
      replay: {
        batches: replay.length,
        events: replay.reduce((a, b) => a + b.events, 0),
        acked: replayAcked,
        deviceEventsAfter: after.deviceEvents,
        eventSeqsAfter: after.eventSeqs,
      },
      zeroLoss:
        acked === total &&
        stored.deviceEvents === total &&
        stored.eventSeqs === total &&
        stored.chipsAtWatermark === devices.length,
      exactlyOnce:
        after.deviceEvents === stored.deviceEvents &&
        after.eventSeqs === stored.eventSeqs &&
        stored.deviceEvents === stored.eventSeqs &&
        replayAcked === replay.length,
    };
  } finally {
    await db.end();
  }
}

/** Polls a count until it stops moving for 2 s (the server has drained its backlog), at most `timeoutMs`. */
export async function untilSettled(
  databaseUrl: string,
  sql: string,
  timeoutMs: number,
  params: unknown[] = [],
): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const until = performance.now() + timeoutMs;
    let last = -1;
    let stable = 0;
    for (;;) {
      const now = Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
      stable = now === last ? stable + 1 : 0;
      last = now;
      if (stable >= 2 || performance.now() > until) return now;
      await sleep(1000);
    }
  } finally {
    await db.end();
  }
}
