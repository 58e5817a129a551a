import { MigrationInterface, QueryRunner } from 'typeorm';

const ALERT_TYPES = [
  'ARC_WITHOUT_GRANT',
  'UNREGISTERED_DEVICE',
  'UNLICENSED_ATTEMPT',
  'REPEATED_DENIALS',
  'REMOTE_START_FAR_AWAY',
  'MACHINE_OVERUSE_24H',
  'ARC_OUTSIDE_GEOFENCE',
  'ARC_AFTER_PERMIT_END',
  'DEVICE_OFFLINE_DURING_PERMIT',
  'GAS_ABOVE_LIMIT',
  'CERTIFICATE_EXPIRING',
  'CERTIFICATE_EXPIRED',
  'ACTIVITY_AT_INACTIVE_ENTERPRISE',
  'TAMPER',
  'FORGED_MESSAGE',
];

export class AlertsBlackouts1763900400000 implements MigrationInterface {
  name = 'AlertsBlackouts1763900400000';

  async up(q: QueryRunner): Promise<void> {
    // machine/welder/permit ids carry no foreign key: recording an alert must never fail because
    // the thing it is about is unknown (an alert lost is worse than a dangling reference).
    await q.query(`CREATE TABLE alerts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type varchar(40) NOT NULL CHECK (type IN (${ALERT_TYPES.map((t) => `'${t}'`).join(',')})),
      severity varchar(16) NOT NULL CHECK (severity IN ('info','warning','critical')),
      state varchar(16) NOT NULL DEFAULT 'open' CHECK (state IN ('open','acknowledged','closed')),
      enterprise_id uuid REFERENCES enterprises(id) ON DELETE RESTRICT,
      region_path text,
      machine_id uuid,
      welder_id uuid,
      permit_id uuid,
      chip_id varchar(64),
      evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
      last_evidence jsonb,
      dedupe_key varchar(200),
      count integer NOT NULL DEFAULT 1 CHECK (count >= 1),
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      acknowledged_by uuid,
      acknowledged_at timestamptz,
      acknowledge_note varchar(1000),
      closed_by uuid,
      closed_at timestamptz,
      close_note varchar(1000),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (last_seen_at >= first_seen_at),
      CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
      CHECK (state = 'open' OR acknowledged_at IS NOT NULL OR closed_at IS NOT NULL))`);
    // The dedupe rule itself: one not-closed alert per key; raise() upserts against this index.
    await q.query(`CREATE UNIQUE INDEX alerts_open_dedupe_key ON alerts (dedupe_key) WHERE state <> 'closed'`);
    await q.query(`CREATE INDEX alerts_dedupe_key_idx ON alerts (dedupe_key)`);
    await q.query(`CREATE INDEX alerts_state_region_idx ON alerts (state, region_path text_pattern_ops)`);
    await q.query(`CREATE INDEX alerts_enterprise_state_idx ON alerts (enterprise_id, state)`);
    await q.query(`CREATE INDEX alerts_last_seen_idx ON alerts (last_seen_at DESC)`);

    await q.query(`CREATE TABLE blackouts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      region_code varchar(12) NOT NULL REFERENCES regions(code),
      region_path text NOT NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('special_period','high_wind','other')),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      reason varchar(500) NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      cancelled_at timestamptz,
      cancelled_by uuid,
      cancel_reason varchar(500),
      CHECK (ends_at > starts_at),
      CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL)))`);
    await q.query(`CREATE INDEX blackouts_region_path_idx ON blackouts (region_path text_pattern_ops)`);
    await q.query(`CREATE INDEX blackouts_window_idx ON blackouts (ends_at, starts_at) WHERE cancelled_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS blackouts`);
    await q.query(`DROP TABLE IF EXISTS alerts`);
  }
}
