import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device side: chips (加芯), the device event log, arcs and the log of rejected device messages.
 *
 * device_events is partitioned by month of occurred_at (it grows with every heartbeat). A unique key
 * of a partitioned table must contain the partition key, so (chip_id, seq) cannot be unique there:
 * exactly-once storage is decided by the narrow device_event_seqs table instead, whose primary key
 * (chip_id, seq) takes the ON CONFLICT DO NOTHING of each batched insert.
 */
export class Devices1763900500000 implements MigrationInterface {
  name = 'Devices1763900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE chips (
      chip_id varchar(64) PRIMARY KEY,
      public_key varchar(64) NOT NULL,
      machine_id uuid UNIQUE REFERENCES machines(id) ON DELETE SET NULL,
      bound_at timestamptz,
      bound_by uuid,
      unbound_at timestamptz,
      last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
      last_msg_seq bigint NOT NULL DEFAULT 0 CHECK (last_msg_seq >= 0),
      last_seen_at timestamptz,
      online boolean NOT NULL DEFAULT false,
      last_status_at timestamptz,
      state varchar(16),
      last_position jsonb,
      last_position_at timestamptz,
      firmware varchar(64),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX chips_online_seen_idx ON chips (last_seen_at) WHERE online`);

    await q.query(`CREATE TABLE device_event_seqs (
      chip_id varchar(64) NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (chip_id, seq))`);

    await q.query(`CREATE TABLE device_events (
      chip_id varchar(64) NOT NULL,
      seq bigint NOT NULL,
      type varchar(32) NOT NULL,
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      machine_id uuid,
      grant_id varchar(64),
      payload jsonb NOT NULL,
      PRIMARY KEY (chip_id, seq, occurred_at)) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE TABLE device_events_default PARTITION OF device_events DEFAULT`);
    // Current and next month; TelemetryPartitions keeps creating the coming months at run time.
    await q.query(`DO $$
      DECLARE m date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
      BEGIN
        FOR i IN 0..1 LOOP
          EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF device_events FOR VALUES FROM (%L) TO (%L)',
            'device_events_' || to_char(m + (i || ' month')::interval, 'YYYYMM'),
            (m + (i || ' month')::interval)::timestamp AT TIME ZONE 'UTC',
            (m + ((i + 1) || ' month')::interval)::timestamp AT TIME ZONE 'UTC');
        END LOOP;
      END $$`);
    await q.query(`CREATE INDEX device_events_machine_idx ON device_events (machine_id, occurred_at DESC)`);
    await q.query(`CREATE INDEX device_events_chip_time_idx ON device_events (chip_id, occurred_at DESC)`);

    await q.query(`CREATE TABLE arcs (
      chip_id varchar(64) NOT NULL,
      stop_seq bigint NOT NULL,
      machine_id uuid,
      grant_id varchar(64),
      welder_id uuid,
      permit_id uuid,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      duration_ms bigint NOT NULL CHECK (duration_ms >= 0),
      current_stats jsonb NOT NULL,
      voltage_stats jsonb NOT NULL,
      samples integer NOT NULL,
      sample_rate_hz numeric(8,2) NOT NULL,
      authorized boolean,
      flags text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (chip_id, stop_seq),
      CHECK (ended_at >= started_at))`);
    await q.query(`CREATE INDEX arcs_machine_time_idx ON arcs (machine_id, started_at)`);
    await q.query(`CREATE INDEX arcs_permit_idx ON arcs (permit_id) WHERE permit_id IS NOT NULL`);

    await q.query(`CREATE TABLE rejected_messages (
      id bigserial PRIMARY KEY,
      received_at timestamptz NOT NULL,
      topic varchar(300) NOT NULL,
      chip_id varchar(64),
      client_id varchar(200),
      reason varchar(40) NOT NULL,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      payload_excerpt varchar(2048) NOT NULL)`);
    await q.query(`CREATE INDEX rejected_messages_chip_idx ON rejected_messages (chip_id, received_at DESC)`);
    await q.query(`CREATE INDEX rejected_messages_time_idx ON rejected_messages (received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['rejected_messages', 'arcs', 'device_events', 'device_event_seqs', 'chips'])
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
  }
}
