import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DeviceState, Position } from '@arcgate/protocol';
import { HotPathPool } from '../database/hot-path-pool';
import { PreparedStatement } from '../database/prepared-statement';
import { Chip } from './chip.entity';
import { returnedRows } from '../database/returned-rows';

/** A chip bound to a machine; "bound" is read from machines.chip_id, the source of truth. */
export interface BoundChip {
  chipId: string;
  machineId: string;
  publicKey: string;
  enterpriseId: string;
}

export interface RecentDeviceEvent {
  seq: number;
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  grantId: string | null;
  payload: Record<string, unknown>;
}

const BOUND_SELECT = `SELECT c.chip_id AS "chipId", m.id AS "machineId", c.public_key AS "publicKey", m.enterprise_id AS "enterpriseId"
  FROM chips c JOIN machines m ON m.chip_id = c.chip_id`;

const BOUND_BY_CHIP_ID = new PreparedStatement(`${BOUND_SELECT} WHERE c.chip_id = $1`);

@Injectable()
export class ChipsRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly hot: HotPathPool,
  ) {
    hot.register(BOUND_BY_CHIP_ID);
  }

  async findBoundByChipId(chipId: string): Promise<BoundChip | null> {
    // Every device message passes here (behind a short cache): on the hot-path pool.
    const rows = await this.hot.query<BoundChip>(BOUND_BY_CHIP_ID, [chipId]);
    return rows[0] ?? null;
  }

  /** The highest envelope seq recorded for the chip (0: none); seeds the replay window once per process. */
  /** The highest message seq recorded for the chip (by any replica), and when it was last heard from. */
  async lastMessageSeq(chipId: string): Promise<{ seq: number; seenAt: Date | null }> {
    const rows: { seq: string | null; seen_at: Date | null }[] = await this.ds.query(
      `SELECT last_msg_seq AS seq, last_seen_at AS seen_at FROM chips WHERE chip_id = $1`,
      [chipId],
    );
    return { seq: Number(rows[0]?.seq ?? 0), seenAt: rows[0]?.seen_at ?? null };
  }

  /**
   * Whether a grant still in force was issued to the chip after the last state it reported. The
   * grants table is the authorization module's; this one read is the presence check's only look at
   * it (an EXISTS on its chip index), kept here rather than widening that module's port for it.
   */
  async hasLiveGrantNewerThanState(chipId: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM grants g JOIN chips c ON c.chip_id = g.chip_id
        WHERE g.chip_id = $1 AND g.revoked_at IS NULL AND g.expires_at > $2 AND g.issued_at > coalesce(c.state_at, '-infinity') LIMIT 1`,
      [chipId, now],
    );
    return rows.length > 0;
  }

  async findBoundByMachineId(machineId: string): Promise<BoundChip | null> {
    const rows: BoundChip[] = await this.ds.query(`${BOUND_SELECT} WHERE m.id = $1`, [machineId]);
    return rows[0] ?? null;
  }

  findByChipId(chipId: string, em: EntityManager = this.ds.manager): Promise<Chip | null> {
    return em.findOne(Chip, { where: { chipId } });
  }

  /** Creates the chip row if needed and locks it for the binding transaction. */
  async upsertAndLock(em: EntityManager, chipId: string, publicKey: string): Promise<Chip> {
    await em.query(`INSERT INTO chips (chip_id, public_key) VALUES ($1, $2) ON CONFLICT (chip_id) DO NOTHING`, [
      chipId,
      publicKey,
    ]);
    return (await em.findOne(Chip, { where: { chipId }, lock: { mode: 'pessimistic_write' } }))!;
  }

  /** A machine has at most one chip row pointing at it: detach stale rows (e.g. after retirement). */
  async detachOthersFromMachine(
    em: EntityManager,
    machineId: string,
    keepChipId: string | null,
    at: Date,
  ): Promise<void> {
    await em.query(
      `UPDATE chips SET machine_id = NULL, unbound_at = $3, updated_at = now() WHERE machine_id = $1 AND ($2::varchar IS NULL OR chip_id <> $2)`,
      [machineId, keepChipId, at],
    );
  }

  /** The chip's own row follows machines.chip_id when it is unbound. */
  async markUnbound(em: EntityManager, chipId: string, at: Date): Promise<void> {
    await em.query(`UPDATE chips SET machine_id = NULL, unbound_at = $2, updated_at = now() WHERE chip_id = $1`, [
      chipId,
      at,
    ]);
  }

  save(em: EntityManager, chip: Chip): Promise<Chip> {
    return em.save(Chip, chip);
  }

  /**
   * Presence from a signed online status. The status is the device's own word on its state now, so it
   * always wins, and stamps state_at (its ts, device clock): events replayed from the journal after a
   * reconnect are older and cannot undo it (TelemetryRepository's state update), even if an earlier
   * state was stamped by a clock that ran ahead. Coming back ends an offline-while-armed episode (and
   * its pending on-site escalation). Returns the previous health faults.
   */
  async markOnline(
    chipId: string,
    at: Date,
    s: { state: DeviceState; stateAt: Date; firmware: string; msgSeq: number; faults: readonly string[] },
  ): Promise<{ faults: string[] } | null> {
    const res: unknown = await this.ds.query(
      `UPDATE chips c SET online = true, last_status_at = $2, last_seen_at = GREATEST(COALESCE(c.last_seen_at, $2), $2),
         state = $3, state_at = $6,
         firmware = $4, last_msg_seq = GREATEST(c.last_msg_seq, $5), faults = $7::text[], offline_armed_since = NULL, onsite_check_at = NULL, updated_at = now()
       FROM chips old WHERE c.chip_id = $1 AND old.chip_id = c.chip_id RETURNING old.faults`,
      [chipId, at, s.state, s.firmware, s.msgSeq, s.stateAt, [...s.faults]],
    );
    const row = returnedRows<{ faults: string[] }>(res)[0];
    return row ? { faults: row.faults ?? [] } : null;
  }

  /**
   * Marks offline; null when it was not online (so that an offline transition is reported once), else
   * the state it was last known in. Offline while armed or arcing starts the on-site check clock.
   */
  async markOffline(chipId: string, at: Date): Promise<{ state: DeviceState | null; stateAt: Date | null } | null> {
    const res: unknown = await this.ds.query(
      `UPDATE chips SET online = false, last_status_at = $2, updated_at = now(),
         offline_armed_since = CASE WHEN state IN ('armed', 'arcing') THEN $2::timestamptz END, onsite_check_at = NULL
       WHERE chip_id = $1 AND online RETURNING state, state_at`,
      [chipId, at],
    );
    const row = returnedRows<{ state: DeviceState | null; state_at: Date | null }>(res)[0];
    return row ? { state: row.state, stateAt: row.state_at } : null;
  }

  /**
   * Chips still offline since going offline armed or arcing before `before`, not yet escalated: marked
   * escalated at `at` and returned (once each).
   */
  async escalateOfflineArmed(
    before: Date,
    at: Date,
    limit = 500,
  ): Promise<{ chipId: string; offlineSince: Date; state: DeviceState | null }[]> {
    const res: unknown = await this.ds.query(
      `UPDATE chips SET onsite_check_at = $2 WHERE chip_id IN (
         SELECT chip_id FROM chips WHERE offline_armed_since IS NOT NULL AND onsite_check_at IS NULL AND offline_armed_since <= $1 AND NOT online
         ORDER BY offline_armed_since LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING chip_id, offline_armed_since, state`,
      [before, at, limit],
    );
    return returnedRows<{ chip_id: string; offline_armed_since: Date; state: DeviceState | null }>(res).map((r) => ({
      chipId: r.chip_id,
      offlineSince: r.offline_armed_since,
      state: r.state,
    }));
  }

  /**
   * Many chips' latest message seq and arrival in one statement (values never move backwards). The rows
   * are locked in chip_id order first, as the telemetry flush locks them: in plan order, this statement
   * and a flush sharing chips could each hold a row the other waits for ("deadlock detected").
   */
  async recordMessageSeqs(rows: { chipId: string; seq: number; at: Date }[]): Promise<void> {
    if (!rows.length) return;
    await this.ds.query(
      `WITH l AS (SELECT chip_id FROM chips WHERE chip_id = ANY($1::varchar[]) ORDER BY chip_id FOR UPDATE)
       UPDATE chips SET last_msg_seq = GREATEST(chips.last_msg_seq, v.seq), last_seen_at = GREATEST(COALESCE(chips.last_seen_at, v.at), v.at)
       FROM unnest($1::varchar[], $2::bigint[], $3::timestamptz[]) AS v(chip_id, seq, at) JOIN l USING (chip_id)
       WHERE chips.chip_id = v.chip_id`,
      [rows.map((r) => r.chipId), rows.map((r) => r.seq), rows.map((r) => r.at)],
    );
  }

  async recordPosition(chipId: string, position: Position, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE chips SET last_position = $2, last_position_at = $3 WHERE chip_id = $1 AND (last_position_at IS NULL OR last_position_at <= $3)`,
      [chipId, JSON.stringify(position), at],
    );
  }

  /** Online chips not heard from since `before`: the broker's will may have been lost. */
  async findSilentOnline(before: Date, limit = 500): Promise<string[]> {
    const rows: { chip_id: string }[] = await this.ds.query(
      `SELECT chip_id FROM chips WHERE online AND (last_seen_at IS NULL OR last_seen_at < $1) ORDER BY chip_id LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => r.chip_id);
  }

  async findRecentEvents(chipId: string, limit: number): Promise<RecentDeviceEvent[]> {
    const rows: {
      seq: string;
      type: string;
      occurred_at: Date;
      received_at: Date;
      grant_id: string | null;
      payload: Record<string, unknown>;
    }[] = await this.ds.query(
      `SELECT seq, type, occurred_at, received_at, grant_id, payload FROM device_events WHERE chip_id = $1 ORDER BY occurred_at DESC, seq DESC LIMIT $2`,
      [chipId, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      type: r.type,
      occurredAt: r.occurred_at,
      receivedAt: r.received_at,
      grantId: r.grant_id,
      payload: r.payload,
    }));
  }
}
