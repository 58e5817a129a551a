import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Arc authorization: every decision, every grant, phone-initiated sessions and the nonces already
 * used per chip.
 *
 * decisions grows with every arm attempt, so it is range-partitioned by month of `at` (plus a
 * default partition so that an insert never fails for want of a partition; DecisionPartitions
 * keeps creating the coming months at run time). A unique key of a partitioned table must contain
 * the partition key, so replay protection lives in the narrow arm_nonces table, whose primary key
 * (chip_id, nonce) takes the INSERT ... ON CONFLICT DO NOTHING of each request.
 * Device decisions are not user writes: they go to these tables, never through the audit chain.
 */
export class Authorization1763900600000 implements MigrationInterface {
  name = 'Authorization1763900600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE decisions (
      id uuid NOT NULL,
      at timestamptz NOT NULL,
      source varchar(8) NOT NULL CHECK (source IN ('device','phone')),
      chip_id varchar(64),
      machine_id uuid,
      enterprise_id uuid,
      region_path text,
      welder_id uuid,
      permit_id uuid,
      allowed boolean NOT NULL,
      reason varchar(48) NOT NULL,
      request_id varchar(64) NOT NULL,
      nonce varchar(128) NOT NULL,
      position jsonb,
      grant_id uuid,
      latency_ms integer NOT NULL CHECK (latency_ms >= 0),
      PRIMARY KEY (id, at),
      CHECK (allowed = (reason = 'OK'))) PARTITION BY RANGE (at)`);
    await q.query(`CREATE TABLE decisions_default PARTITION OF decisions DEFAULT`);
    await q.query(`DO $$
      DECLARE m date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
      BEGIN
        FOR i IN 0..1 LOOP
          EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF decisions FOR VALUES FROM (%L) TO (%L)',
            'decisions_' || to_char(m + (i || ' month')::interval, 'YYYYMM'),
            (m + (i || ' month')::interval)::timestamp AT TIME ZONE 'UTC',
            (m + ((i + 1) || ' month')::interval)::timestamp AT TIME ZONE 'UTC');
        END LOOP;
      END $$`);
    await q.query(`CREATE INDEX decisions_at_idx ON decisions (at DESC)`);
    await q.query(`CREATE INDEX decisions_machine_idx ON decisions (machine_id, at DESC)`);
    await q.query(`CREATE INDEX decisions_welder_idx ON decisions (welder_id, at DESC)`);
    await q.query(`CREATE INDEX decisions_enterprise_idx ON decisions (enterprise_id, at DESC)`);
    await q.query(`CREATE INDEX decisions_chip_idx ON decisions (chip_id, at DESC)`);

    await q.query(`CREATE TABLE grants (
      grant_id uuid PRIMARY KEY,
      decision_id uuid NOT NULL,
      source varchar(8) NOT NULL CHECK (source IN ('device','phone')),
      chip_id varchar(64) NOT NULL,
      machine_id uuid NOT NULL REFERENCES machines(id),
      enterprise_id uuid NOT NULL REFERENCES enterprises(id),
      region_path text NOT NULL,
      welder_id uuid NOT NULL REFERENCES welders(id),
      permit_id uuid NOT NULL REFERENCES permits(id),
      certificate_id uuid,
      code_id uuid,
      request_id varchar(64),
      nonce varchar(128),
      issued_at timestamptz NOT NULL,
      delivered_at timestamptz,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoke_reason varchar(48),
      revoke_sent_at timestamptz,
      CHECK (expires_at > issued_at),
      CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL)),
      CHECK ((request_id IS NULL) = (nonce IS NULL)))`);
    // The revocation sweep reads only live grants.
    await q.query(`CREATE INDEX grants_live_idx ON grants (expires_at) WHERE revoked_at IS NULL`);
    await q.query(
      `CREATE INDEX grants_unsent_revoke_idx ON grants (revoked_at) WHERE revoked_at IS NOT NULL AND revoke_sent_at IS NULL`,
    );
    await q.query(`CREATE INDEX grants_machine_idx ON grants (machine_id, issued_at DESC)`);
    await q.query(`CREATE INDEX grants_enterprise_idx ON grants (enterprise_id, issued_at DESC)`);
    await q.query(`CREATE INDEX grants_permit_idx ON grants (permit_id)`);
    await q.query(`CREATE INDEX grants_welder_idx ON grants (welder_id, issued_at DESC)`);

    await q.query(`CREATE TABLE arm_sessions (
      id uuid PRIMARY KEY,
      decision_id uuid NOT NULL,
      grant_id uuid NOT NULL UNIQUE REFERENCES grants(grant_id),
      chip_id varchar(64) NOT NULL,
      machine_id uuid NOT NULL REFERENCES machines(id),
      welder_id uuid NOT NULL REFERENCES welders(id),
      permit_id uuid NOT NULL REFERENCES permits(id),
      user_id uuid,
      phone_position jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      push_deadline timestamptz NOT NULL,
      pushed_at timestamptz,
      confirm_by timestamptz,
      used_at timestamptz,
      used_request_id varchar(64),
      CHECK (push_deadline > created_at),
      CHECK ((pushed_at IS NULL) = (confirm_by IS NULL)))`);
    // Pending pushes: the delivery loop scans only these.
    await q.query(
      `CREATE INDEX arm_sessions_pending_idx ON arm_sessions (chip_id, push_deadline) WHERE pushed_at IS NULL`,
    );
    await q.query(`CREATE INDEX arm_sessions_welder_idx ON arm_sessions (welder_id, created_at DESC)`);

    await q.query(`CREATE TABLE arm_nonces (
      chip_id varchar(64) NOT NULL,
      nonce varchar(128) NOT NULL,
      request_id varchar(64) NOT NULL,
      decision_id uuid NOT NULL,
      seen_at timestamptz NOT NULL,
      PRIMARY KEY (chip_id, nonce))`);
    await q.query(`CREATE INDEX arm_nonces_seen_idx ON arm_nonces (seen_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['arm_nonces', 'arm_sessions', 'grants', 'decisions'])
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
  }
}
