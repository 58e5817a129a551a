import { Injectable } from '@nestjs/common';
import { ArcStopEvent, DeviceState, EVENTS_ACK_MAX_MISSING, HeartbeatEvent } from '@arcgate/protocol';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { faultPoint } from '../common/fault/fault-points';
import { PreparedStatement, queryPrepared } from '../database/prepared-statement';
import { FlushResult, IngestItem, StoredEvent, Watermark } from './telemetry.types';

/** Largest range of lost seqs one journal.lost may mark as accounted for; a bigger claim is capped. */
const MAX_LOST_RANGE = 100_000;
/** A gap listing never scans more than this many seqs. */
const MAX_GAP_SCAN = 100_000;

// Claims each (chip, seq) once: ON CONFLICT DO NOTHING returns only the seqs this flush is first to
// store, and a concurrent flush holding the same key waits for it to commit, then skips the key.
// The input comes sorted by (chip_id, seq), so two flushes always take these key locks in one order.
const CLAIM_SEQS = new PreparedStatement(`
  INSERT INTO device_event_seqs (chip_id, seq)
  SELECT * FROM unnest($1::varchar[], $2::bigint[]) ON CONFLICT DO NOTHING RETURNING chip_id, seq`);

/** device_events' columns in the order the flush's COPY text carries them: a batch's own columns first, written once per batch. */
const EVENT_COLUMNS = 'chip_id, received_at, machine_id, seq, type, occurred_at, grant_id, payload';

// One statement for everything a flush changes on its chips, so each chip row gets one new version per
// flush. The rows are locked first, in chip_id order (c): two flushes sharing chips, or a flush and the
// message-seq recorder (which locks in the same order), queue behind each other instead of deadlocking.
// Watermark: contiguous run above the old one (seq − last_seq − row_number() stays 0 until the first gap);
// LATERAL keeps the seq lookup on the primary key per chip (a plain join hash-joined a sequential scan
// of the whole table, 130 ms per flush at 600k rows, measured). Position and state move only forward
// in device time: events replayed from a journal after a reconnect must not overwrite newer ones.
const UPDATE_CHIPS = new PreparedStatement(`
  WITH v AS (SELECT * FROM unnest($1::varchar[], $3::jsonb[], $4::timestamptz[], $5::varchar[], $6::timestamptz[])
               AS v(chip_id, position, position_at, state, state_at)),
  c AS (SELECT chip_id, last_seq FROM chips WHERE chip_id = ANY($1::varchar[]) ORDER BY chip_id FOR UPDATE),
  w AS (SELECT c.chip_id, COALESCE(MAX(s.seq) FILTER (WHERE s.off = 0), c.last_seq) AS upto, MAX(s.seq) AS top
        FROM c LEFT JOIN LATERAL (
          SELECT e.seq, e.seq - c.last_seq - row_number() OVER (ORDER BY e.seq) AS off
            FROM device_event_seqs e WHERE e.chip_id = c.chip_id AND e.seq > c.last_seq) s ON true
        GROUP BY c.chip_id, c.last_seq)
  UPDATE chips SET last_seq = w.upto, last_seen_at = GREATEST(COALESCE(chips.last_seen_at, $2), $2), updated_at = now(),
    last_position = CASE WHEN v.position_at IS NOT NULL AND (chips.last_position_at IS NULL OR chips.last_position_at <= v.position_at)
                         THEN v.position ELSE chips.last_position END,
    last_position_at = CASE WHEN v.position_at IS NOT NULL AND (chips.last_position_at IS NULL OR chips.last_position_at <= v.position_at)
                            THEN v.position_at ELSE chips.last_position_at END,
    state = CASE WHEN v.state_at IS NOT NULL AND (chips.state_at IS NULL OR chips.state_at <= v.state_at)
                 THEN v.state ELSE chips.state END,
    state_at = CASE WHEN v.state_at IS NOT NULL AND (chips.state_at IS NULL OR chips.state_at <= v.state_at)
                    THEN v.state_at ELSE chips.state_at END
  FROM w JOIN v USING (chip_id) WHERE chips.chip_id = w.chip_id
  RETURNING chips.chip_id, chips.last_seq, w.top`);

const LIST_MISSING = new PreparedStatement(`
  SELECT g::bigint AS seq FROM generate_series($2::bigint + 1, LEAST($3::bigint, $2::bigint + ${MAX_GAP_SCAN})) g
  WHERE NOT EXISTS (SELECT 1 FROM device_event_seqs WHERE chip_id = $1 AND seq = g) ORDER BY g LIMIT ${EVENTS_ACK_MAX_MISSING}`);

const INSERT_ARCS = `
  INSERT INTO arcs (chip_id, stop_seq, machine_id, grant_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz, interrupted)
  SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::uuid[], $4::varchar[], $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::jsonb[], $9::jsonb[], $10::int[], $11::numeric[], $12::text[])
  ON CONFLICT DO NOTHING`;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** A value in COPY's text format: backslash, newline, carriage return and tab escaped (JSON text has only backslashes). */
function copyText(v: string): string {
  return /[\\\n\r\t]/.test(v) ? v.replace(/[\\\n\r\t]/g, (ch) => COPY_ESCAPES[ch]) : v;
}

type Row = { item: IngestItem; event: IngestItem['events'][number] };

/**
 * The batched write of telemetry: per flush a handful of statements in one transaction, never one
 * round trip per event. Exactly-once: device_event_seqs (chip_id, seq) takes ON CONFLICT DO NOTHING
 * (CLAIM_SEQS), and only the seqs it newly accepted are written to the partitioned device_events,
 * by COPY (no JSON document for PostgreSQL to take apart row by row, as jsonb_to_recordset did).
 */
@Injectable()
export class TelemetryRepository {
  constructor(private readonly ds: DataSource) {}

  async store(items: IngestItem[]): Promise<FlushResult> {
    // Events by (chip, seq), first copy wins; a rejected seq is claimed only to account for itself.
    const rows = new Map<string, Row>();
    const claims: { chipId: string; seq: number }[] = [];
    for (const item of items)
      for (const event of item.events) {
        const key = `${item.chipId}:${event.seq}`;
        if (rows.has(key)) continue;
        rows.set(key, { item, event });
        claims.push({ chipId: item.chipId, seq: event.seq });
      }
    const rejected = new Set<string>();
    for (const item of items)
      for (const seq of item.rejected ?? []) {
        const key = `${item.chipId}:${seq}`;
        if (rows.has(key) || rejected.has(key)) continue;
        rejected.add(key);
        claims.push({ chipId: item.chipId, seq });
      }
    // Every flush claims its keys in this one order, so two flushes sharing keys (a re-sent batch) cannot deadlock.
    claims.sort((x, y) => (x.chipId < y.chipId ? -1 : x.chipId > y.chipId ? 1 : x.seq - y.seq));
    const receivedAt = new Date(Math.max(...items.map((i) => i.receivedAt.getTime())));
    const chipIds = [...new Set(items.map((i) => i.chipId))].sort();

    return this.ds.transaction(async (em) => {
      const claimed = claims.length
        ? await queryPrepared<{ chip_id: string; seq: string }>(em, CLAIM_SEQS, [
            claims.map((c) => c.chipId),
            claims.map((c) => c.seq),
          ])
        : [];
      // bigint arrives as its decimal text, the same text as the JS number's in the key.
      const fresh: Row[] = [];
      for (const r of claimed) {
        const row = rows.get(`${r.chip_id}:${r.seq}`);
        if (row) fresh.push(row);
      }
      await this.copyEvents(em, fresh);
      // Events written, watermark not yet advanced, nothing committed.
      faultPoint('ingest.mid-flush');
      const stored: StoredEvent[] = fresh.map((r) => ({
        chipId: r.item.chipId,
        machineId: r.item.machineId,
        enterpriseId: r.item.enterpriseId,
        receivedAt: r.item.receivedAt,
        event: r.event,
      }));

      await this.insertArcs(em, stored);
      await this.accountLostSeqs(em, stored);
      return { stored, watermarks: await this.updateChips(em, chipIds, stored, receivedAt) };
    });
  }

  /** The claimed events into device_events by COPY (text format), on the flush's transaction. */
  private async copyEvents(em: EntityManager, rows: Row[]): Promise<void> {
    if (!rows.length) return;
    const prefixes = new Map<IngestItem, string>();
    const lines: string[] = [];
    for (const { item, event } of rows) {
      let prefix = prefixes.get(item);
      if (prefix === undefined) {
        prefix = `${copyText(item.chipId)}\t${item.receivedAt.toISOString()}\t${item.machineId ? copyText(item.machineId) : '\\N'}\t`;
        prefixes.set(item, prefix);
      }
      const grantId = 'grantId' in event ? event.grantId : undefined;
      lines.push(
        `${prefix}${event.seq}\t${copyText(event.type)}\t${copyText(event.at)}\t${grantId ? copyText(grantId) : '\\N'}\t${copyText(JSON.stringify(event))}\n`,
      );
    }
    const client = (await (em.queryRunner as PostgresQueryRunner).connect()) as PoolClient;
    const sink = client.query(copyFrom(`COPY device_events (${EVENT_COLUMNS}) FROM STDIN`));
    await new Promise<void>((resolve, reject) => {
      sink.on('error', reject);
      sink.on('finish', resolve);
      sink.end(lines.join(''));
    });
    if (sink.rowCount !== rows.length) throw new Error(`COPY stored ${sink.rowCount} events of ${rows.length}`);
  }

  private async insertArcs(em: EntityManager, stored: StoredEvent[]): Promise<void> {
    const arcs = stored.filter((s) => s.event.type === 'arc.stop') as (StoredEvent & { event: ArcStopEvent })[];
    if (!arcs.length) return;
    await em.query(INSERT_ARCS, [
      arcs.map((a) => a.chipId),
      arcs.map((a) => a.event.seq),
      arcs.map((a) => a.machineId),
      arcs.map((a) => a.event.grantId ?? null),
      arcs.map((a) => a.event.startedAt),
      arcs.map((a) => a.event.endedAt),
      arcs.map((a) => a.event.durationMs),
      // An interrupted arc may have lost its statistics with the process: stored as NULL, not as made-up numbers.
      arcs.map((a) => (a.event.current ? JSON.stringify(a.event.current) : null)),
      arcs.map((a) => (a.event.voltage ? JSON.stringify(a.event.voltage) : null)),
      arcs.map((a) => a.event.samples),
      arcs.map((a) => a.event.sampleRateHz),
      arcs.map((a) => a.event.interrupted ?? null),
    ]);
  }

  /** A journal.lost event accounts for its seqs, so the watermark can pass events that will never come. */
  private async accountLostSeqs(em: EntityManager, stored: StoredEvent[]): Promise<void> {
    for (const s of stored) {
      if (s.event.type !== 'journal.lost') continue;
      const e = s.event;
      const to = Math.min(e.toSeq, e.fromSeq + MAX_LOST_RANGE - 1);
      await em.query(
        `INSERT INTO device_event_seqs (chip_id, seq) SELECT $1, g FROM generate_series($2::bigint, $3::bigint) g ON CONFLICT DO NOTHING`,
        [s.chipId, e.fromSeq, to],
      );
    }
  }

  /**
   * Each chip's newest position (heartbeat with a fix) and state (state.change or heartbeat, by device
   * time then seq), with its watermark, in one statement; the watermark is computed after this flush's seqs.
   */
  private async updateChips(
    em: EntityManager,
    chipIds: string[],
    stored: StoredEvent[],
    receivedAt: Date,
  ): Promise<Map<string, Watermark>> {
    const positions = new Map<string, HeartbeatEvent>();
    const states = new Map<string, { state: DeviceState; at: string; t: number; seq: number }>();
    for (const s of stored) {
      const e = s.event;
      if (e.type === 'heartbeat' && e.position) {
        const prev = positions.get(s.chipId);
        if (!prev || Date.parse(prev.at) <= Date.parse(e.at)) positions.set(s.chipId, e);
      }
      const state = e.type === 'state.change' ? e.to : e.type === 'heartbeat' ? e.state : null;
      if (!state) continue;
      const t = Date.parse(e.at);
      const prev = states.get(s.chipId);
      if (!prev || prev.t < t || (prev.t === t && prev.seq < e.seq))
        states.set(s.chipId, { state, at: e.at, t, seq: e.seq });
    }
    const rows = await queryPrepared<{ chip_id: string; last_seq: string; top: string | null }>(em, UPDATE_CHIPS, [
      chipIds,
      receivedAt,
      chipIds.map((c) => {
        const p = positions.get(c)?.position;
        return p ? JSON.stringify(p) : null;
      }),
      chipIds.map((c) => positions.get(c)?.at ?? null),
      chipIds.map((c) => states.get(c)?.state ?? null),
      chipIds.map((c) => states.get(c)?.at ?? null),
    ]);
    const out = new Map<string, Watermark>();
    for (const r of rows) {
      const upToSeq = Number(r.last_seq);
      const top = r.top === null ? upToSeq : Number(r.top);
      const missing =
        top > upToSeq
          ? (await queryPrepared<{ seq: string }>(em, LIST_MISSING, [r.chip_id, upToSeq, top])).map((m) =>
              Number(m.seq),
            )
          : [];
      out.set(r.chip_id, { upToSeq, missing });
    }
    return out;
  }
}
