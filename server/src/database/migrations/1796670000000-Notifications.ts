import { MigrationInterface, QueryRunner } from 'typeorm';

const NEW_ALERT_TYPES = ['NOTIFICATION_DELIVERY_FAILED'];

/** The alert types the current CHECK constraint allows, read from the database (independent of the order other branches' migrations ran). */
async function allowedTypes(q: QueryRunner): Promise<string[]> {
  const rows: { def: string }[] = await q.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'alerts_type_check' AND conrelid = 'alerts'::regclass`,
  );
  return [...new Set([...(rows[0]?.def ?? '').matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]))];
}
const typeCheck = (types: string[]) => `CHECK (type IN (${types.map((t) => `'${t}'`).join(',')}))`;
const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(',');

const LEVELS = ['enterprise_safety', 'enterprise_principal', 'township', 'county', 'platform'];
const CHANNELS = ['sms', 'email', 'wecom', 'dingtalk', 'feishu'];
const KINDS = ['alert', 'escalation', 'digest', 'delivery_failed'];

/**
 * Issue 16 §2, notifications (告警推送): routing rules per alert type and severity with escalation and
 * quiet hours (defaults seeded), one tracking row per raised alert (enqueued in the raising transaction;
 * a worker walks its levels), in-app notifications, the delivery log with retries, the endpoints (phones,
 * e-mail, group robots) users set within their role, the digests already sent, and the platform alert
 * type for a delivery that failed for good.
 */
export class Notifications1796670000000 implements MigrationInterface {
  name = 'Notifications1796670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alert_type varchar(40),
        severity varchar(16) NOT NULL CHECK (severity IN ('info','warning','critical')),
        levels text[] NOT NULL CHECK (cardinality(levels) BETWEEN 1 AND 5 AND levels <@ ARRAY[${list(LEVELS)}]::text[]),
        escalate_after_min int CHECK (escalate_after_min BETWEEN 1 AND 1440),
        quiet_start_min smallint CHECK (quiet_start_min BETWEEN 0 AND 1439),
        quiet_end_min smallint CHECK (quiet_end_min BETWEEN 0 AND 1439),
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((quiet_start_min IS NULL) = (quiet_end_min IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX notification_rules_type_severity ON notification_rules (COALESCE(alert_type, ''), severity)`,
    );
    // Defaults: critical goes up the whole chain every 10 minutes unacknowledged, at any hour; warnings reach the
    // township after 30 minutes; info stays with the enterprise. Quiet hours 22:00–07:00 (China time) hold back the
    // non-critical. A failed delivery tells the platform admins in the console only (never pushed out again).
    await q.query(`
      INSERT INTO notification_rules (alert_type, severity, levels, escalate_after_min, quiet_start_min, quiet_end_min) VALUES
        (NULL, 'critical', ARRAY['enterprise_safety','enterprise_principal','township','county'], 10, NULL, NULL),
        (NULL, 'warning', ARRAY['enterprise_safety','township'], 30, 1320, 420),
        (NULL, 'info', ARRAY['enterprise_safety'], NULL, 1320, 420),
        ('NOTIFICATION_DELIVERY_FAILED', 'warning', ARRAY['platform'], NULL, NULL, NULL)`);

    await q.query(`
      CREATE TABLE notification_tracks (
        alert_id uuid PRIMARY KEY,
        alert_type varchar(40) NOT NULL,
        severity varchar(16) NOT NULL,
        enterprise_id uuid,
        region_path text,
        raised_at timestamptz NOT NULL,
        step int NOT NULL DEFAULT 0,
        next_at timestamptz NOT NULL,
        done boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notification_tracks_due ON notification_tracks (next_at) WHERE NOT done`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        kind varchar(24) NOT NULL CHECK (kind IN (${list(KINDS)})),
        alert_id uuid,
        alert_type varchar(40),
        severity varchar(16),
        level varchar(24),
        title varchar(200) NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL,
        read_at timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_user ON notifications (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL`);

    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(24) NOT NULL CHECK (kind IN (${list(KINDS)})),
        alert_id uuid,
        level varchar(24),
        channel varchar(16) NOT NULL CHECK (channel IN (${list(CHANNELS)})),
        endpoint_id uuid,
        target_enc text NOT NULL,
        recipient_masked varchar(120) NOT NULL,
        title varchar(200) NOT NULL,
        body text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        last_error varchar(500),
        enterprise_id uuid,
        region_path text,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        failed_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status IN ('pending','sending')`,
    );
    await q.query(`CREATE INDEX notification_deliveries_recent ON notification_deliveries (created_at DESC)`);
    await q.query(`CREATE INDEX notification_deliveries_alert ON notification_deliveries (alert_id)`);

    await q.query(`
      CREATE TABLE notification_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_kind varchar(16) NOT NULL CHECK (owner_kind IN ('user','enterprise','region')),
        owner_id varchar(64) NOT NULL,
        channel varchar(16) NOT NULL CHECK (channel IN (${list(CHANNELS)})),
        target_enc text NOT NULL,
        secret_enc text,
        target_masked varchar(120) NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notification_endpoints_owner ON notification_endpoints (owner_kind, owner_id)`);

    await q.query(`
      CREATE TABLE notification_digests (
        scope_kind varchar(16) NOT NULL CHECK (scope_kind IN ('enterprise','region')),
        scope_id varchar(64) NOT NULL,
        day date NOT NULL,
        sent_at timestamptz NOT NULL,
        PRIMARY KEY (scope_kind, scope_id, day)
      )`);

    const before = await allowedTypes(q);
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck([...before, ...NEW_ALERT_TYPES.filter((t) => !before.includes(t))])}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alerts WHERE type = ANY($1::text[])`, [NEW_ALERT_TYPES]);
    const before = (await allowedTypes(q)).filter((t) => !NEW_ALERT_TYPES.includes(t));
    await q.query(
      `ALTER TABLE alerts DROP CONSTRAINT alerts_type_check, ADD CONSTRAINT alerts_type_check ${typeCheck(before)}`,
    );
    for (const t of [
      'notification_digests',
      'notification_endpoints',
      'notification_deliveries',
      'notifications',
      'notification_tracks',
      'notification_rules',
    ])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
